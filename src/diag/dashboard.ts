/**
 * The dashboard: one self-contained HTML page (no build step, no external
 * assets) that polls `/statusz` and draws frontends → tiers → backends with
 * live load and health, and the recent decisions. Its one inline script
 * and one inline style are allowed by hash in the Content-Security-Policy,
 * and nothing else is.
 * @module
 */

import { createHash } from "node:crypto";

/** The dashboard page. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>iaido</title>
<style>
  :root { --bg:#0f1419; --panel:#171d24; --text:#d9e0e7; --muted:#8a96a3; --ok:#3fb950; --warn:#d29922; --bad:#f85149; --bar:#2f81f7; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--text); }
  header { display: flex; gap: 1.5rem; align-items: baseline; padding: .8rem 1.2rem; border-bottom: 1px solid #252d36; }
  header h1 { font-size: 1.1rem; margin: 0; }
  header .meta { color: var(--muted); }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; padding: 1rem 1.2rem; }
  section { background: var(--panel); border-radius: 8px; padding: .8rem 1rem; margin-bottom: 1rem; }
  h2 { font-size: 1rem; margin: 0 0 .5rem; }
  h3 { font-size: .9rem; margin: .8rem 0 .3rem; color: var(--muted); font-weight: 600; }
  table { width: 100%; border-collapse: collapse; }
  td, th { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #222a33; vertical-align: top; }
  th { color: var(--muted); font-weight: 500; font-size: .8rem; }
  td:first-child { white-space: nowrap; }
  .dot { display: inline-block; width: .6rem; height: .6rem; border-radius: 50%; margin-right: .4rem; }
  .eligible .dot { background: var(--ok); } .ineligible .dot { background: var(--bad); } .retired .dot { background: var(--warn); }
  .bar { height: .5rem; background: #222a33; border-radius: 4px; min-width: 5rem; }
  .bar > div { height: 100%; background: var(--bar); border-radius: 4px; }
  .reason { color: var(--muted); font-size: .85rem; }
  ol { margin: 0; padding-left: 1.2rem; max-height: 70vh; overflow: auto; }
  li { margin-bottom: .3rem; } li .kind { font-weight: 600; } li time { color: var(--muted); margin-right: .4rem; }
  .error { color: var(--bad); }
</style>
</head>
<body>
<header><h1>iaido</h1><span class="meta" id="meta">loading…</span><span class="error" id="error"></span><span class="error" id="notready"></span></header>
<main>
  <div id="frontends"></div>
  <section><h2>Recent decisions</h2><ol id="decisions" reversed></ol></section>
</main>
<script>
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  // Style through the CSSOM: the CSP forbids style attributes.
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "style") node.style.cssText = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
};
function backendRow(b) {
  const state = b.retired ? "retired" : b.eligible ? "eligible" : "ineligible";
  const share = b.max > 0 ? Math.min(100, (100 * b.load) / b.max) : Math.min(100, b.load * 10);
  return el("tr", { class: state, "data-backend": b.address, "data-state": state },
    el("td", {}, el("span", { class: "dot" }), b.address),
    el("td", {}, b.max > 0 ? b.load + "/" + b.max : String(b.load),
      el("div", { class: "bar" }, el("div", { style: "width:" + share + "%" }))),
    el("td", {}, b.latencyMs === null ? "–" : b.latencyMs + " ms", b.subTier > 0 ? " (sub-tier " + b.subTier + ")" : ""),
    el("td", {}, b.health),
    el("td", { class: "reason" }, b.reason));
}
function render(status) {
  document.getElementById("meta").textContent = "v" + status.version + " · config generation " +
    status.configGeneration + " · " + new Date(status.now).toLocaleTimeString();
  document.getElementById("error").textContent = status.reload.lastError
    ? "last reload failed: " + status.reload.lastError.problems.join("; ") : "";
  document.getElementById("notready").textContent = (status.notReady || []).length
    ? "not ready: " + status.notReady.join("; ") : "";
  const frontends = document.getElementById("frontends");
  frontends.replaceChildren(...status.frontends.map((f) => el("section", { "data-frontend": f.name },
    el("h2", {}, f.name + " — " + f.address + " · " + f.activeSessions + " session(s)" +
      (f.waitingClients ? " · " + f.waitingClients + " waiting" : "") + (f.ready ? "" : " · NOT READY")),
    ...f.tiers.flatMap((t) => [
      el("h3", {}, "tier " + t.index + " · " + t.name),
      el("table", {}, el("tr", {}, ...["backend", "load", "latency", "health", "why"].map((h) => el("th", {}, h))),
        ...t.backends.map(backendRow)),
    ]))));
  const decisions = document.getElementById("decisions");
  decisions.replaceChildren(...status.decisions.slice().reverse().slice(0, 100).map((d) =>
    el("li", { "data-kind": d.kind }, el("time", {}, new Date(d.at).toLocaleTimeString()),
      el("span", { class: "kind" }, d.kind), " ", d.frontend, d.backend ? " " + d.backend : "", ": ", d.reason)));
}
async function refresh() {
  try {
    const response = await fetch("statusz", { cache: "no-store" });
    render(await response.json());
  } catch (error) {
    document.getElementById("error").textContent = "cannot reach the sidecar: " + error.message;
  }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;

/**
 * The Content-Security-Policy for every diagnostics response: nothing may
 * load or run but the dashboard's own script and style (by hash) and its
 * fetches of `/statusz`; no page may frame it.
 */
export function diagnosticsCsp(): string {
  const hash = (tag: string) => {
    const inline = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(DASHBOARD_HTML)?.[1] ?? "";
    return `'sha256-${createHash("sha256").update(inline, "utf8").digest("base64")}'`;
  };
  return [
    "default-src 'none'",
    `script-src ${hash("script")}`,
    `style-src ${hash("style")}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
