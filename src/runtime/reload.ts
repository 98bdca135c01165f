/**
 * Hot reload: the config file is watched (`Deno.watchFs` on its directory,
 * so editors' write-and-rename and Kubernetes' `..data` symlink swaps are
 * seen; the file itself when only it may be read), polled every
 * `--reloadPeriod` as a fallback, and reloaded at once on SIGHUP. A change
 * is applied only when the text changed (SIGHUP always reloads); an
 * invalid config is logged with every problem and the last good one keeps
 * running.
 * @module
 */

import { ConfigError, loadConfig, type LoadedConfig, readConfigText } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
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
  /** The text the running config came from. */
  readonly initialText: string;
  /** Poll period; 0 turns polling off. */
  readonly pollMs: number;
  /** Applies a new valid config; throws when it cannot go live (e.g. a port in use). */
  readonly apply: (loaded: LoadedConfig) => Promise<void>;
  readonly log: Logger;
  readonly scheduler: Scheduler;
  /** How long file events are gathered before a reload. @default 100 */
  readonly debounceMs?: number;
}

/** Watches, polls and listens for SIGHUP; reloads one at a time. */
export class ConfigReloader implements AsyncDisposable {
  readonly #options: ReloaderOptions;
  readonly #timers: TimerGroup;
  #text: string;
  #watcher: Deno.FsWatcher | undefined;
  #watchLoop: Promise<void> | undefined;
  #running: Promise<void> = Promise.resolve();
  #debounce: (() => void) | undefined;
  #status: ReloadStatus;
  readonly #onSignal = () => void this.reload("signal");

  constructor(options: ReloaderOptions) {
    this.#options = options;
    this.#timers = new TimerGroup(options.scheduler);
    this.#text = options.initialText;
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

  /** Starts watching, polling and listening for SIGHUP. */
  start(): void {
    const { pollMs } = this.#options;
    if (pollMs > 0) this.#timers.every(pollMs, () => void this.reload("poll"));
    Deno.addSignalListener("SIGHUP", this.#onSignal);
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
    this.#timers[Symbol.dispose]();
    Deno.removeSignalListener("SIGHUP", this.#onSignal);
    try {
      this.#watcher?.close();
    } catch {
      // Already closed.
    }
    await this.#watchLoop;
    await this.#running;
  }

  async #reloadOnce(trigger: ReloadTrigger): Promise<void> {
    const { file, log } = this.#options;
    let text: string;
    try {
      text = await readConfigText(file);
    } catch (error) {
      this.#failed(trigger, error);
      return;
    }
    if (text === this.#text && trigger !== "signal") return;
    try {
      const loaded = await loadConfig(file, text);
      await this.#options.apply(loaded);
      this.#text = text;
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
    this.#options.log.error("config reload failed; the last good config keeps running", {
      file: this.#options.file,
      trigger,
      problems: problems.join(" | "),
    });
  }

  #watch(): void {
    const { file, log } = this.#options;
    const directory = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) || "/" : ".";
    for (const path of [directory, file]) {
      try {
        this.#watcher = Deno.watchFs(path, { recursive: false });
        log.debug("watching for config changes", { path });
        break;
      } catch (error) {
        log.debug("cannot watch", { path, error: (error as Error).message });
      }
    }
    const watcher = this.#watcher;
    if (watcher === undefined) {
      log.warn("cannot watch the config file; polling only", { file });
      return;
    }
    this.#watchLoop = (async () => {
      try {
        for await (const _event of watcher) this.#scheduleFromWatch();
      } catch {
        // Closed.
      }
    })();
  }

  #scheduleFromWatch(): void {
    this.#debounce?.();
    this.#debounce = this.#timers.after(this.#options.debounceMs ?? 100, () => {
      this.#debounce = undefined;
      void this.reload("watch");
    });
  }
}
