/**
 * Hot reload: the config file is watched (`Deno.watchFs` on its directory,
 * so editors' write-and-rename and Kubernetes' `..data` symlink swaps are
 * seen; the file itself when only it may be read, watched again after every
 * event so a rename over it does not lose it), polled every
 * `--reloadPeriod` as a fallback, and reloaded at once on SIGHUP. A change
 * is applied only when the text changed (SIGHUP always reloads, and
 * re-imports a module config with the modules it imports); an invalid or
 * missing config is logged once, then as a count with backoff, and the
 * last good one keeps running until a "recovered" line.
 * @module
 */

import {
  ConfigError,
  formatOf,
  loadConfig,
  type LoadedConfig,
  LoadWorker,
  readConfigText,
} from "../config/mod.ts";
import { type Logger, RepeatLimiter } from "../log/mod.ts";
import { type Scheduler, TimerGroup } from "../scheduler.ts";

/** What started a reload. */
export type ReloadTrigger = "watch" | "poll" | "signal";

/** The reload state diagnostics show. */
export interface ReloadStatus {
  /** Successful loads so far, the first included. */
  readonly generation: number;
  readonly lastSuccessAt: number | undefined;
  /** The last failed reload, until a later one succeeds. */
  readonly lastError: {
    readonly at: number;
    readonly trigger: ReloadTrigger;
    readonly problems: readonly string[];
  } | undefined;
  readonly successes: number;
  readonly failures: number;
}

/** How the reloader is wired. */
export interface ReloaderOptions {
  readonly file: string;
  /** The text the running config came from (undefined: a module read without permission). */
  readonly initialText: string | undefined;
  /** Poll period; 0 turns polling off. */
  readonly pollMs: number;
  /** Applies a new valid config; throws when it cannot go live (e.g. a port in use). */
  readonly apply: (loaded: LoadedConfig) => Promise<void>;
  readonly log: Logger;
  readonly scheduler: Scheduler;
  /** How long file events are gathered before a reload. @default 100 */
  readonly debounceMs?: number;
  /** The config-loading Worker, made (and made ready) before traffic; the reloader disposes it. @default a new one */
  readonly worker?: LoadWorker;
}

/** Watches, polls and listens for SIGHUP; reloads one at a time. */
export class ConfigReloader implements AsyncDisposable {
  readonly #options: ReloaderOptions;
  readonly #timers: TimerGroup;
  readonly #repeats: RepeatLimiter;
  readonly #worker: LoadWorker;
  #text: string | undefined;
  #generation = 0;
  #watcher: Deno.FsWatcher | undefined;
  #closed = false;
  readonly #closing = Promise.withResolvers<void>();
  #watchLoop: Promise<void> | undefined;
  #running: Promise<void> = Promise.resolve();
  #debounce: (() => void) | undefined;
  #status: ReloadStatus;
  readonly #onSignal = () => void this.reload("signal");

  constructor(options: ReloaderOptions) {
    this.#options = options;
    this.#timers = new TimerGroup(options.scheduler);
    this.#text = options.initialText;
    this.#repeats = new RepeatLimiter({ now: () => options.scheduler.now() });
    this.#worker = options.worker ?? new LoadWorker(options.scheduler);
    this.#status = {
      generation: 1,
      lastSuccessAt: options.scheduler.now(),
      lastError: undefined,
      successes: 0,
      failures: 0,
    };
  }

  /** The reload state. */
  get status(): ReloadStatus {
    return this.#status;
  }

  /**
   * Listens for SIGHUP and, when the file may be read, watches and polls it
   * (a module imported without read permission can change unseen).
   */
  start(): void {
    const { pollMs, file } = this.#options;
    Deno.addSignalListener("SIGHUP", this.#onSignal);
    // Made now, before traffic: making a Worker blocks the event loop a while.
    if (formatOf(file) !== "module") this.#worker.warm();
    if (Deno.permissions.querySync({ name: "read", path: file }).state !== "granted") return;
    if (pollMs > 0) this.#timers.every(pollMs, () => void this.reload("poll"));
    this.#watch();
  }

  /**
   * Reloads now (after any reload in progress). Resolves when done; never
   * throws: failures are logged and kept in `status`.
   */
  reload(trigger: ReloadTrigger): Promise<void> {
    this.#running = this.#running.then(() => this.#reloadOnce(trigger));
    return this.#running;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    this.#closing.resolve();
    this.#timers[Symbol.dispose]();
    Deno.removeSignalListener("SIGHUP", this.#onSignal);
    try {
      this.#watcher?.close();
    } catch {
      // Already closed.
    }
    await this.#watchLoop;
    await this.#running;
    this.#worker[Symbol.dispose]();
  }

  async #reloadOnce(trigger: ReloadTrigger): Promise<void> {
    const { file, log } = this.#options;
    let text: string | undefined;
    // A module imported without read permission is re-imported on SIGHUP unread.
    const unread = formatOf(file) === "module" && this.#text === undefined &&
      trigger === "signal";
    if (!unread) {
      try {
        text = await readConfigText(file);
      } catch (error) {
        this.#failed(trigger, error);
        return;
      }
      if (text === this.#text && trigger !== "signal") return;
    }
    try {
      const loaded = await loadConfig(file, {
        ...(text === undefined ? {} : { text }),
        generation: ++this.#generation,
        scheduler: this.#options.scheduler,
        worker: this.#worker,
      });
      if (loaded.partial !== undefined) {
        log.warn("config module re-imported alone", { file, why: loaded.partial });
      }
      await this.#options.apply(loaded);
      this.#text = text;
      const recovered = this.#repeats.recovered(file);
      if (recovered !== undefined) {
        log.info("config recovered", {
          file,
          failures: recovered.occurrences,
          forMs: recovered.forMs,
        });
      }
      this.#status = {
        ...this.#status,
        generation: this.#status.generation + 1,
        lastSuccessAt: this.#options.scheduler.now(),
        lastError: undefined,
        successes: this.#status.successes + 1,
      };
      log.info("config reloaded", { file, trigger, generation: this.#status.generation });
    } catch (error) {
      // Remember the text, so an unchanged bad file is not re-reported every poll.
      this.#text = text;
      this.#failed(trigger, error);
    }
  }

  #failed(trigger: ReloadTrigger, error: unknown): void {
    const problems = error instanceof ConfigError
      ? error.problems
      : [(error as Error).message ?? String(error)];
    this.#status = {
      ...this.#status,
      lastError: { at: this.#options.scheduler.now(), trigger, problems },
      failures: this.#status.failures + 1,
    };
    const cause = problems.join(" | ");
    const verdict = this.#repeats.occurred(this.#options.file, cause);
    if (verdict.log === "quiet") return;
    this.#options.log.error(
      verdict.log === "first"
        ? "config reload failed; the last good config keeps running"
        : "config reload still failing; the last good config keeps running",
      {
        file: this.#options.file,
        trigger,
        problems: cause,
        ...(verdict.log === "again"
          ? { repeats: verdict.suppressed, sinceMs: verdict.sinceMs }
          : {}),
      },
    );
  }

  #watch(): void {
    const { file, log } = this.#options;
    const directory = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) || "/" : ".";
    for (const path of [directory, file]) {
      try {
        this.#watcher = Deno.watchFs(path, { recursive: false });
        log.debug("watching for config changes", { path });
        this.#watchLoop = this.#follow(this.#watcher, path === file);
        return;
      } catch (error) {
        log.debug("cannot watch", { path, error: (error as Error).message });
      }
    }
    log.warn("cannot watch the config file; polling only", { file });
  }

  /**
   * Reloads after each burst of events. A watch on the file itself follows
   * its inode, which a rename over the path replaces: after every event the
   * path is watched again, before the reload reads it, so no later change
   * is missed.
   */
  async #follow(watcher: Deno.FsWatcher, fileOnly: boolean): Promise<void> {
    let current = watcher;
    while (!this.#closed) {
      let changed = false;
      try {
        for await (const _event of current) {
          changed = true;
          if (fileOnly) break;
          this.#scheduleFromWatch();
        }
      } catch {
        // Closed.
      }
      if (!fileOnly || !changed || this.#closed) return;
      try {
        current.close();
      } catch {
        // Already closed.
      }
      const next = await this.#rewatch();
      this.#scheduleFromWatch();
      if (next === undefined) return;
      current = next;
    }
  }

  /** Watches the file path again; waits (with backoff) while it is missing. */
  async #rewatch(): Promise<Deno.FsWatcher | undefined> {
    for (let delay = 10; !this.#closed; delay = Math.min(delay * 2, 1000)) {
      try {
        const watcher = Deno.watchFs(this.#options.file, { recursive: false });
        this.#watcher = watcher;
        return watcher;
      } catch {
        const waited = Promise.withResolvers<void>();
        const cancel = this.#timers.after(delay, waited.resolve);
        await Promise.race([waited.promise, this.#closing.promise]);
        cancel();
      }
    }
    return undefined;
  }

  #scheduleFromWatch(): void {
    this.#debounce?.();
    this.#debounce = this.#timers.after(this.#options.debounceMs ?? 100, () => {
      this.#debounce = undefined;
      void this.reload("watch");
    });
  }
}
