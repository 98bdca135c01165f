/**
 * The sidecar's `/metrics`: per frontend and backend sessions, bytes, dial
 * failures by class, health and tier; drain and failback closes; reloads
 * and config generation; dial-latency and session-duration histograms;
 * readiness, accepting, shed clients and file descriptors in use.
 * @module
 */

import type { FrontendSnapshot } from "../proxy/mod.ts";
import { Exposition } from "./exposition.ts";
import type { Status } from "./status.ts";

/** Renders the exposition from the status picture and the frontends' histograms. */
export function renderMetrics(status: Status, frontends: readonly FrontendSnapshot[]): string {
  const out = new Exposition();
  out.gauge(
    "iaido_config_generation",
    "Configs that have gone live, the first included.",
    {},
    status.configGeneration,
  );
  out.counter(
    "iaido_config_reloads_total",
    "Config reloads by result.",
    { result: "success" },
    status.reload.successes,
  );
  out.counter(
    "iaido_config_reloads_total",
    "Config reloads by result.",
    { result: "failure" },
    status.reload.failures,
  );
  out.gauge(
    "iaido_ready",
    "1 while /readyz answers ready.",
    {},
    status.notReady.length === 0 ? 1 : 0,
  );
  out.gauge(
    "iaido_fd_sockets_in_use",
    "Descriptors the sidecar's sockets hold (two per session, plus diagnostics).",
    {},
    status.fds.inUse,
  );
  if (status.fds.limit !== null) {
    out.gauge("iaido_fd_limit", "The soft file descriptor limit.", {}, status.fds.limit);
  }
  for (const frontend of status.frontends) {
    const f = { frontend: frontend.name };
    out.gauge(
      "iaido_frontend_accepting",
      "1 while the listener accepts; 0 while accepts fail (e.g. out of descriptors).",
      f,
      frontend.accepting ? 1 : 0,
    );
    out.counter(
      "iaido_frontend_clients_shed_total",
      "Clients closed at once because the process was near its descriptor limit.",
      f,
      frontend.clientsShed,
    );
    out.gauge("iaido_frontend_sessions_active", "Sessions open now.", f, frontend.activeSessions);
    out.gauge(
      "iaido_frontend_clients_waiting",
      "Clients waiting for a backend with room.",
      f,
      frontend.waitingClients,
    );
    out.counter(
      "iaido_frontend_sessions_total",
      "Client connections accepted.",
      f,
      frontend.sessionsAccepted,
    );
    for (const [how, count] of Object.entries(frontend.endings)) {
      out.counter("iaido_frontend_sessions_ended_total", "Sessions ended, by how they ended.", {
        ...f,
        how,
      }, count);
    }
    out.counter(
      "iaido_drain_closes_total",
      "Sessions closed by a drain.",
      f,
      frontend.endings["drain"] ?? 0,
    );
    out.counter(
      "iaido_failback_closes_total",
      "Sessions closed to move them to a better tier.",
      f,
      frontend.endings["failback"] ?? 0,
    );
    for (const tier of frontend.tiers) {
      for (const backend of tier.backends) {
        const b = { ...f, backend: backend.address, tier: backend.tierName };
        out.gauge("iaido_backend_sessions_active", "Sessions on the backend now.", b, backend.load);
        out.counter(
          "iaido_backend_sessions_total",
          "Sessions ever placed on the backend.",
          b,
          backend.sessionsTotal,
        );
        out.counter("iaido_backend_bytes_total", "Bytes through the backend, by direction.", {
          ...b,
          direction: "up",
        }, backend.bytesUp);
        out.counter("iaido_backend_bytes_total", "Bytes through the backend, by direction.", {
          ...b,
          direction: "down",
        }, backend.bytesDown);
        for (const [kind, count] of Object.entries(backend.failures)) {
          out.counter("iaido_backend_dial_failures_total", "Failed dials and probes, by class.", {
            ...b,
            kind,
          }, count ?? 0);
        }
        out.gauge(
          "iaido_backend_eligible",
          "1 when the backend can take a new session now.",
          b,
          backend.eligible ? 1 : 0,
        );
        out.gauge(
          "iaido_backend_health_up",
          "Active health: 1 up, 0 down (absent when unchecked).",
          b,
          backend.health === "down" ? 0 : 1,
        );
        out.gauge(
          "iaido_backend_tier",
          "Configured tier index (0 is the nearest).",
          b,
          backend.tier,
        );
        out.gauge(
          "iaido_backend_sub_tier",
          "Latency sub-tier within the tier (0 is the nearest).",
          b,
          backend.subTier,
        );
        if (backend.latencyMs !== null) {
          out.gauge(
            "iaido_backend_latency_seconds",
            "Last measured probe latency.",
            b,
            backend.latencyMs / 1000,
          );
        }
      }
    }
  }
  for (const frontend of frontends) {
    const f = { frontend: frontend.config.name };
    out.histogram(
      "iaido_dial_duration_seconds",
      "Time to connect to a backend.",
      f,
      frontend.stats.dialSeconds,
    );
    out.histogram(
      "iaido_session_duration_seconds",
      "How long sessions lasted.",
      f,
      frontend.stats.sessionSeconds,
    );
  }
  return out.render();
}
