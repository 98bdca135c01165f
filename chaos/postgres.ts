/**
 * PostgreSQL clients for the real-server scenarios: short sessions (one
 * transaction per connection, like `pgbench -C`) and a small pool of long
 * sessions running transactions that hold locks open, reconnecting when
 * the sidecar tells them to (57P01 between transactions), the way a
 * driver's pool does. Every transaction is recorded with how it ended.
 * @module
 */

import { connectPg, sqlState, type TestPgConn } from "../src/testing/mod.ts";
import { type ConnRecord, pause } from "./clients.ts";

/** One transaction as a client saw it. */
export interface TxRecord {
  readonly worker: number;
  readonly startMs: number;
  endMs: number;
  /** The port of the server that ran it (`SHOW port`), when known. */
  port?: number | undefined;
  /** "committed", or the error that ended it. */
  outcome: "committed" | "failed";
  /** Failed before anything ran (connect, login or BEGIN): safe to retry. */
  beforeBegin?: boolean;
  code?: string | undefined;
  error?: string;
}

/** Where each port's server sits, for the timeline. */
export type RegionOfPort = (port: number) => string | undefined;

/** A transaction's records, as the timeline draws them. */
export function timelineOf(records: readonly TxRecord[], regionOf: RegionOfPort): ConnRecord[] {
  return records.map((record, index) => {
    const region = record.port === undefined ? undefined : regionOf(record.port);
    return {
      id: index + 1,
      worker: record.worker,
      startMs: record.startMs,
      endMs: record.endMs,
      ...(region === undefined ? {} : { region, node: `${region}/pg:${record.port}` }),
      ...(record.outcome === "committed" ? {} : { error: record.error ?? "failed" }),
      end: record.outcome === "committed" ? "client close" : "connect error",
      sent: 0,
      received: 0,
    };
  });
}

/** The transaction every client runs: a row per transaction, so commits can be counted in the tables. */
async function transaction(db: TestPgConn, worker: number, holdMs: number, signal: AbortSignal) {
  await db.query(`INSERT INTO chaos_tx (worker) VALUES (${worker})`);
  if (holdMs > 0) await pause(holdMs, signal);
  await db.query("SELECT count(*) FROM chaos_tx");
}

/** Creates the table the clients write to (run on every cluster). */
export const SCHEMA = "CREATE TABLE IF NOT EXISTS chaos_tx (id serial PRIMARY KEY, worker int)";

/**
 * Opens a new connection per transaction (`pgbench -C` style) until
 * `signal` aborts; records each.
 */
export async function shortSessions(
  address: string,
  workers: number,
  now: () => number,
  records: TxRecord[],
  signal: AbortSignal,
): Promise<void> {
  const worker = async (n: number) => {
    while (!signal.aborted) {
      const record: TxRecord = { worker: n, startMs: now(), endMs: 0, outcome: "failed" };
      records.push(record);
      let db: TestPgConn | undefined;
      let begun = false;
      try {
        db = await connectPg(address);
        const [[port]] = await db.query("SHOW port") as [[string]];
        record.port = Number(port);
        await db.query("BEGIN");
        begun = true;
        await transaction(db, n, 20, signal);
        await db.query("COMMIT");
        record.outcome = "committed";
      } catch (error) {
        record.beforeBegin = !begun;
        record.code = sqlState(error);
        record.error = (error as Error).message;
      } finally {
        record.endMs = now();
        db?.[Symbol.dispose]();
      }
      await pause(5, signal);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, n) => worker(n)));
}

/** What a pool of long sessions did. */
export interface PoolFigures {
  /** Connections opened (the first one of each worker included). */
  connects: number;
  /** Times a worker was told to reconnect (57P01 or EOF) before a transaction began. */
  moved: number;
  /** The messages those moves carried. */
  moveMessages: Set<string>;
}

/**
 * Each worker keeps one session and runs transactions that hold their
 * rows for `holdMs`; when the session ends before a transaction begins
 * (the sidecar moved it), the worker reconnects and runs the transaction
 * there. A failure after BEGIN is a failed transaction.
 */
export async function pooledSessions(
  address: string,
  workers: number,
  holdMs: number,
  now: () => number,
  records: TxRecord[],
  signal: AbortSignal,
): Promise<PoolFigures> {
  const figures: PoolFigures = { connects: 0, moved: 0, moveMessages: new Set() };
  const worker = async (n: number) => {
    let db: TestPgConn | undefined;
    let port: number | undefined;
    try {
      while (!signal.aborted) {
        const record: TxRecord = { worker: n, startMs: now(), endMs: 0, outcome: "failed" };
        let begun = false;
        try {
          if (db === undefined) {
            db = await connectPg(address);
            figures.connects++;
            const [[shown]] = await db.query("SHOW port") as [[string]];
            port = Number(shown);
          }
          record.port = port;
          await db.query("BEGIN");
          begun = true;
          await transaction(db, n, holdMs, signal);
          await db.query("COMMIT");
          record.outcome = "committed";
          records.push(record);
        } catch (error) {
          db?.[Symbol.dispose]();
          db = undefined;
          if (signal.aborted && !begun) break;
          if (!begun) {
            // The sidecar ended an idle session: reconnect, as a pool does.
            figures.moved++;
            figures.moveMessages.add(`${sqlState(error) ?? ""} ${(error as Error).message}`.trim());
            continue;
          }
          record.code = sqlState(error);
          record.error = (error as Error).message;
          records.push(record);
        } finally {
          record.endMs = now();
        }
        await pause(30, signal);
      }
    } finally {
      db?.[Symbol.dispose]();
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, n) => worker(n)));
  return figures;
}
