/**
 * The Controller: ControlApi over an Engine. It lives off the main thread (the
 * browser's control worker, or Node), because commands to CPU workers block in
 * Atomics.wait. Lockstep runs of a stream go to CPU workers in batches (a lane per
 * worker, or a lane's CPUs spread over workers when there are fewer lanes than cores);
 * adaptive workloads and short seek replays run on this thread. Free-running uses the
 * workers without ordering.
 *
 * Long operations (play, runUntil) run in slices of ~12 ms and yield between them so
 * pause() and other calls get through; after each slice the op is republished
 * (published.ts: map workers read the allocators' own buffers) and subscribers hear
 * at most every NOTIFY_MS: a summary costs this thread a scan of every allocator's free
 * memory and the page a structured clone and a store update, and the UI shows them at
 * most 5 times a second (app/runtime/actions.ts), so more would only slow the run. A dead or hung worker rejects the pending
 * call with a clear message and leaves `summary.error` set until reset().
 */
import { computeMetrics, freeHistogram } from '../core/metrics';
import { KIND_NAMES } from '../core/op-buffer';
import type { Failure, FailureLog } from '../core/records';
import { errorName } from '../core/types';
import { CallerStats, type CallerRow } from '../import/callers';
import { laneBlocks, liveSlotsOfSite } from '../import/live-sites';
import { specName } from '../allocators/registry';
import type { BlockInfo } from '../core/types';
import type { AllocatorInfo, ControlApi, RunConfig, RunInfo, RunTarget, Summary } from './api';
import { Engine } from './engine';
import { kernelView, type KernelView } from './kernel-views';
import { buildFreeRun, defaultFreeStream } from './free-run';
import { OUT_RING } from './lane';
import { lastOps } from './last-ops';
import { explainAt } from './explain-at';
import type { FailureExplanation } from '../core/explain';
import { createPublished, generationOf, publishedViews, publishOp, type PublishedViews } from './published';
import { quiesce } from './run-headless';
import { attachImported } from './source';
import { startPool, workersFor, type PoolSetup } from './start-pool';
import type { SpawnCpuWorker } from './workers/pool';

/** The failures a summary carries: the first few and the newest (a summary goes out ~60 times a second). */
function sampleForSummary(log: FailureLog): Failure[] {
  const head = log.head(10);
  const tail = log.tail(50).filter((f) => !head.some((h) => h.op === f.op));
  return [...head, ...tail];
}

/** Least time between two summaries to subscribers while a call runs (ms). */
export const NOTIFY_MS = 100;

/** Bounds of the op indices per engine call in a slice (powers of two). */
const CHUNK_MIN = 1 << 10,
  CHUNK_MAX = 1 << 16;

export interface ControllerOptions {
  /** A worker that makes no progress for this long fails the call (default 10000 ms). */
  timeoutMs?: number;
  /** First checkpoint interval in op indices. */
  interval?: number;
  /** Checkpoint memory budget in bytes. */
  budgetBytes?: number;
  /** Milliseconds of work per slice between yields (default 12). */
  sliceMs?: number;
  /** Hardware threads (navigator.hardwareConcurrency in the browser): how many CPU workers to start. */
  cores?: number;
}

/**
 * Yield to the event loop (so pause() and other comlink calls get through) without
 * setTimeout's 4 ms clamp on nested timers.
 */
const yieldChannel = typeof MessageChannel === 'function' ? new MessageChannel() : null;
const yieldQueue: (() => void)[] = [];
if (yieldChannel) {
  // Both the browser's and Node's MessagePort accept an onmessage handler (Node's typings omit it).
  (yieldChannel.port1 as unknown as { onmessage: () => void }).onmessage = () => {
    yieldQueue.shift()?.();
  };
  (yieldChannel.port1 as { unref?: () => void }).unref?.();
}
const yieldNow = (): Promise<void> =>
  new Promise((r) => {
    // Node drains a port's queue before other ports: a self-posting yield would starve comlink's port.
    if (typeof setImmediate === 'function') {
      setImmediate(r);
      return;
    }
    if (!yieldChannel) {
      setTimeout(r, 0);
      return;
    }
    yieldQueue.push(r);
    yieldChannel.port2.postMessage(0);
  });

/** CallerRow.site of ops without a call site (callers.ts). */
const NO_SITE = '(no call site)';

/** The Engine's config of a RunConfig: an imported op buffer is attached, not copied. */
export function engineConfig(cfg: RunConfig): ConstructorParameters<typeof Engine>[0] {
  const { importedTrace: t, ...rest } = cfg;
  return t ? { ...rest, imported: { fileName: t.fileName, ops: attachImported(t.ops) } } : rest;
}

/**
 * The call-site table of the whole trace, as the CLI's --callers computes it: a run of its own,
 * inline, chunk by chunk of at most OUT_RING ops (the outcome rings hold that many), yielding
 * between slices so the run's own calls get through.
 */
async function callerTable(cfg: RunConfig): Promise<CallerRow[] | null> {
  const e = new Engine(engineConfig(cfg), { checkpoints: false });
  if (e.source.kind !== 'stream' || !cfg.importedTrace) return null;
  const stats = new CallerStats(e.source.ops, cfg.importedTrace.sites, e.allocators);
  let t = performance.now();
  for (;;) {
    const from = e.cursor;
    if (e.run(OUT_RING) === 0) break;
    stats.add(e.lanes, from, e.cursor);
    if (performance.now() - t > 12) {
      await yieldNow();
      t = performance.now();
    }
  }
  return stats.rows();
}

export class Controller implements ControlApi {
  private cfg: RunConfig | null = null;
  private engine: Engine | null = null;
  private pool: PoolSetup | null = null;
  private header: PublishedViews | null = null;
  private infos: AllocatorInfo[] = [];
  private error: string | undefined;
  private playing = false;
  /** A call is changing the states (published as `playing`: map workers redraw every frame). */
  private busy = false;
  private stop = false;
  private loop: Promise<void> | null = null;
  private subs: ((s: Summary) => void)[] = [];
  private lastNotify = 0;
  /** Free-running with a stream per CPU: the ops run so far (all CPUs), else null. */
  private freeOps: number | null = null;
  private freeDone = false;
  /** Op indices per engine call in a slice (fitChunk). */
  private chunk = CHUNK_MIN * 4;
  /** The call-site table of this configuration, once asked for. */
  private callerRows: Promise<CallerRow[] | null> | null = null;

  constructor(
    private readonly spawn: SpawnCpuWorker | null,
    private readonly opts: ControllerOptions = {},
  ) {}

  async configure(cfg: RunConfig): Promise<RunInfo> {
    await this.halt();
    this.teardown();
    this.cfg = cfg;
    this.error = undefined;
    this.freeOps = null;
    this.freeDone = false;
    this.callerRows = null;
    const free = cfg.schedule === 'free';
    const engine = new Engine(engineConfig(cfg), {
      checkpoints: !free,
      interval: this.opts.interval,
      budgetBytes: this.opts.budgetBytes,
    });
    this.engine = engine;
    this.infos = engine.lanes.map((L, k) => ({
      name: specName(cfg.allocators[k]),
      label: L.allocator.label,
      ...L.allocator.geometry,
      spec: cfg.allocators[k],
      cpus: cfg.cpus,
      buffers: L.allocator.buffers,
    }));
    const published = createPublished();
    this.header = publishedViews(published);
    const perCpu = free && defaultFreeStream(cfg.workload) === 'per-cpu';
    if (this.spawn && engine.source.kind === 'stream' && !perCpu) {
      const n = workersFor(cfg.schedule, cfg.cpus, engine.lanes.length, this.opts.cores ?? 1);
      this.pool = await startPool(this.spawn, engine, cfg, n, !free, this.opts.timeoutMs);
      engine.setExecutor(this.pool.executor);
    } else if (free && !this.spawn) throw new Error('the free-running schedule needs CPU workers');
    this.publish();
    return { allocators: this.infos, published };
  }

  step(n: number): Promise<Summary> {
    return this.exclusive(async () => {
      this.need().run(n);
    });
  }

  runUntil(target: RunTarget): Promise<Summary> {
    return this.exclusive(async () => {
      const e = this.need();
      if (this.cfg?.schedule === 'free' && !this.pool) {
        if (target.kind !== 'end') throw new Error('the free-running schedule only runs to the end');
        await this.runFreePerCpu();
        return;
      }
      if (target.kind === 'op' && target.op < e.cursor) {
        e.seek(target.op);
        return;
      }
      // A run goes on like a play (summaries say `playing`: the page throttles its updates and
      // offers Pause), until the target.
      this.playing = true;
      const before = e.failureCount();
      await this.slices(
        () => {
          if (target.kind === 'op') return target.op - e.cursor;
          if (target.kind === 'failure' && e.failureCount() > before) return 0;
          return Infinity;
        },
        false,
        target.kind === 'failure',
      );
    });
  }

  async play(opsPerSecond: number): Promise<void> {
    await this.exclusive(async () => {
      this.playing = true;
      if (this.cfg?.schedule === 'free' && !this.pool) {
        await this.runFreePerCpu();
        return;
      }
      const e = this.need();
      // Free-running has no pace: the workers race as fast as they can.
      if (this.cfg?.schedule === 'free') opsPerSecond = Infinity;
      const t0 = performance.now();
      const c0 = e.cursor;
      await this.slices(() => {
        if (!Number.isFinite(opsPerSecond)) return Infinity;
        return Math.floor(((performance.now() - t0) / 1000) * opsPerSecond) - (e.cursor - c0);
      }, Number.isFinite(opsPerSecond));
    });
  }

  async pause(): Promise<Summary> {
    await this.halt();
    return this.summary();
  }

  async reset(): Promise<Summary> {
    if (!this.cfg) throw new Error('reset() before configure()');
    await this.configure(this.cfg);
    return this.summary();
  }

  seek(op: number): Promise<Summary> {
    return this.exclusive(async () => {
      if (this.cfg?.schedule === 'free') throw new Error('seek needs the lockstep schedule');
      this.need().seek(op);
    });
  }

  async summary(): Promise<Summary> {
    return this.buildSummary();
  }

  /** Reads the lane's allocator directly, between two slices of a running loop. */
  async blockAt(lane: number, address: number): Promise<BlockInfo | null> {
    return this.engine?.lanes[lane]?.allocator.blockAt(address) ?? null;
  }

  callers(): Promise<CallerRow[] | null> {
    const cfg = this.cfg;
    if (!cfg?.importedTrace || cfg.importedTrace.sites.length <= 1) return Promise.resolve(null);
    this.callerRows ??= callerTable(cfg);
    return this.callerRows;
  }

  async siteBlocks(site: string): Promise<Float64Array[]> {
    const e = this.engine;
    const sites = this.cfg?.importedTrace?.sites;
    if (!e || !sites || e.source.kind !== 'stream') return [];
    const index = site === NO_SITE ? 0 : sites.indexOf(site);
    if (index < 0) return e.lanes.map(() => new Float64Array(0));
    const slots = liveSlotsOfSite(e.source.ops, this.freeOps ?? e.cursor, index);
    return e.lanes.map((L) =>
      laneBlocks(slots, { addr: L.slots.addr, req: L.slots.req, handedOut: (b) => L.allocator.handedOut(b) }),
    );
  }

  /** Reads the lanes' allocators directly, like blockAt (off the hot path: it walks lists and pages). */
  async explainFailures(op: number): Promise<(FailureExplanation | null)[]> {
    return this.engine && this.freeOps === null ? explainAt(this.engine, op) : [];
  }

  /** Reads the lane's allocator directly, between two slices of a running loop. */
  async kernelView(lane: number, withCaches: boolean): Promise<KernelView | null> {
    const a = this.engine?.lanes[lane]?.allocator;
    return a ? kernelView(a, withCaches) : null;
  }

  async subscribe(cb: (s: Summary) => void): Promise<void> {
    this.subs.push(cb);
  }

  async dispose(): Promise<void> {
    await this.halt();
    this.teardown();
    this.subs = [];
  }

  // ---- internals ----------------------------------------------------------------

  private need(): Engine {
    if (!this.engine || !this.cfg) throw new Error('configure() the run first');
    if (this.error) throw new Error(`the run failed (${this.error}); reset() it`);
    return this.engine;
  }

  /** Run `fn` after stopping any play loop; settles with the summary or the error. */
  private async exclusive(fn: () => Promise<void>): Promise<Summary> {
    await this.halt();
    this.need();
    const p = (async () => {
      this.busy = true;
      try {
        await fn();
      } catch (e) {
        await this.fail(e);
      } finally {
        this.busy = false;
        this.playing = false;
        this.stop = false;
      }
    })();
    this.loop = p.then(
      () => undefined,
      () => undefined,
    );
    await p;
    this.publish();
    // Subscribers hear the final state too (play() answers nothing, the subscription does);
    // the call answers with the same summary (building one scans every allocator's free memory).
    return this.notify(true) ?? this.buildSummary();
  }

  /** A worker fault becomes the pool's message (and summary.error); other errors pass through. */
  private async fail(e: unknown): Promise<never> {
    const pool = this.pool?.pool;
    if (pool && pool.broken) {
      const err = await pool.explain(e);
      this.error = err.message;
      pool.terminate();
      this.pool = null;
      this.notify(true);
      throw err;
    }
    if (pool) throw await pool.explain(e);
    throw e;
  }

  /**
   * Run slices until `budget()` (ops allowed now; Infinity = no limit, 0 = stop) says
   * stop, the run ends, or pause() is called; publish and yield between slices.
   */
  private async slices(budget: () => number, paced = false, untilFailure = false): Promise<void> {
    const e = this.need();
    const slice = this.opts.sliceMs ?? 12;
    while (!this.stop && !e.done) {
      const t = performance.now();
      let ran = 0;
      let b = budget();
      if (b <= 0 && !paced) break;
      while (b > 0 && performance.now() - t < slice) {
        const n = Math.min(b, this.chunk);
        const t0 = performance.now();
        const got = e.run(n, untilFailure);
        this.fitChunk(got, performance.now() - t0, slice);
        ran += got;
        if (got < n) break;
        b = budget();
      }
      this.publish();
      this.notify();
      if (ran === 0 && !paced) break;
      await yieldNow();
    }
  }

  /**
   * Op indices per engine call in a slice: a slice's worth at the rate just seen on CPU workers
   * (each call is a hand-off to them and back, and the executor overlaps its batches only within
   * a call), a quarter of one inline; so that a slice ends near its time even on a loaded machine
   * (a fixed 65,536 took a quarter of a second there: maps saw few publishes and pause() waited).
   */
  private fitChunk(ran: number, ms: number, slice: number): void {
    if (ran < this.chunk || ms <= 0) return;
    const fit = (ran / ms) * (this.pool ? slice : slice / 4);
    this.chunk = Math.max(CHUNK_MIN, Math.min(CHUNK_MAX, 2 ** Math.round(Math.log2(fit))));
  }

  /** Free-running with a stream per CPU, to the end, republishing while it runs. */
  private async runFreePerCpu(): Promise<void> {
    if (!this.spawn) throw new Error('the free-running schedule needs CPU workers');
    const e = this.need();
    const cfg = this.cfg as RunConfig;
    const n = workersFor('free', cfg.cpus, e.lanes.length, this.opts.cores ?? 1);
    const run = await buildFreeRun(this.spawn, e, cfg, n, this.opts.timeoutMs);
    this.freeOps = 0;
    try {
      await run.go(() => {
        this.freeOps = run.progress();
        this.publish();
        this.notify();
      });
      this.freeOps = run.progress();
      quiesce(e.allocators, cfg.cpus, true);
      this.freeDone = true;
    } finally {
      run.pool.terminate();
    }
  }

  private async halt(): Promise<void> {
    if (!this.loop) return;
    this.stop = true;
    await this.loop;
    this.stop = false;
    this.loop = null;
  }

  private teardown(): void {
    this.pool?.pool.terminate();
    this.pool = null;
    this.engine = null;
  }

  private publish(): void {
    const e = this.engine;
    if (!e || !this.header) return;
    publishOp(this.header, this.freeOps ?? e.cursor, this.busy);
  }

  /** Send subscribers a summary (at most every NOTIFY_MS unless forced); the summary sent, if any. */
  private notify(force = false): Summary | null {
    const now = performance.now();
    if (this.subs.length === 0 || (!force && now - this.lastNotify < NOTIFY_MS)) return null;
    this.lastNotify = now;
    const s = this.buildSummary();
    for (const cb of this.subs) {
      try {
        void Promise.resolve(cb(s)).catch(() => undefined);
      } catch {
        /* a closed proxy */
      }
    }
    return s;
  }

  private buildSummary(): Summary {
    const e = this.engine;
    const checkpoints = e?.checkpointBytes ?? { used: 0, budget: 0, count: 0, interval: 0 };
    if (!e)
      return {
        generation: 0,
        op: 0,
        done: false,
        playing: false,
        allocators: [],
        lastOps: [],
        error: this.error,
        checkpoints,
      };
    const s: Summary = {
      generation: this.header ? generationOf(this.header) : 0,
      op: this.freeOps ?? e.cursor,
      done: this.freeDone || e.done,
      playing: this.playing,
      allocators: e.lanes.map((L, k) => {
        const free = L.allocator.freeSummary();
        const op = this.freeOps ?? e.laneOps(k);
        return {
          name: this.infos[k].name,
          label: L.allocator.label,
          op,
          metrics: computeMetrics(L.allocator, free),
          failureCount: L.failures.count,
          failures: sampleForSummary(L.failures).map((f) => ({ ...f, reason: errorName(f.code) })),
          errors: L.errors,
          errorSample: L.errorSample
            .slice(0, 10)
            .map((x) => ({ op: x.op, kind: KIND_NAMES[x.kind] ?? '?', reason: errorName(x.code) })),
          skipped: L.skipped,
          histogram: freeHistogram(free),
          ...(L.allocator.buddyinfo ? { buddyinfo: L.allocator.buddyinfo() } : {}),
        };
      }),
      lastOps: this.freeOps === null ? lastOps(e, 50) : [],
      checkpoints,
    };
    if (this.error) s.error = this.error;
    return s;
  }
}
