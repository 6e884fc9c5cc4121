/**
 * The Controller: ControlApi over a LockstepEngine, inline (spawn = null: the
 * reference) or with one worker per CPU (spawn given; it runs in Node or in the
 * browser's control worker, since lockstep turns block in Atomics.wait).
 *
 * Long operations (play, runUntil) run in batches of ~12 ms and yield to the event
 * loop between batches, so pause() and comlink messages get through; after each
 * batch the snapshot region is republished and subscribers are called at most
 * every 16 ms. A dead or hung worker rejects the pending call with the pool's
 * message and leaves `summary.error` set until reset().
 */
import { computeMetrics, freeHistogram } from '../core/metrics';
import { specName } from '../allocators/registry';
import type { BlockInfo } from '../core/types';
import type { OpKind } from '../workloads/types';
import type { AllocatorInfo, ControlApi, OpRecord, RunConfig, RunInfo, RunTarget, Summary } from './api';
import { KIND_NAME, K_ALLOC } from './cpu-loop';
import { LockstepEngine } from './lockstep';
import { CpuPool, WorkerFault, type SpawnCpuWorker } from './pool';
import { defaultFreeStream, runFreeRunning } from './run-free';
import { createSnapshotRegion, generationOf, publish, type SnapshotRegion } from './snapshot';

export interface ControllerOptions {
  /** A worker that does not answer within this fails the call (default 5000 ms). */
  timeoutMs?: number;
  /** First checkpoint interval in ops (doubles when more than maxCheckpoints are kept). */
  interval?: number;
  maxCheckpoints?: number;
  /** Milliseconds of work per batch between yields (default 12). */
  sliceMs?: number;
  /** Hardware threads (navigator.hardwareConcurrency in the browser): decides how long turns poll. */
  cores?: number;
}

/**
 * Yield to the event loop (so pause() and other comlink calls get through) without
 * setTimeout's 4 ms clamp on nested timers, which cost a quarter of the play loop's time.
 */
const yieldChannel = typeof MessageChannel === 'function' ? new MessageChannel() : null;
const yieldQueue: (() => void)[] = [];
if (yieldChannel) {
  // Both the browser's and Node's MessagePort accept an onmessage handler (Node's typings omit it).
  (yieldChannel.port1 as unknown as { onmessage: () => void }).onmessage = () => {
    yieldQueue.shift()?.();
  };
  (yieldChannel.port1 as { unref?: () => void }).unref?.(); // Node: do not keep the process alive
}
const yieldNow = (): Promise<void> =>
  new Promise((r) => {
    // Node drains a port's queue, messages posted meanwhile included, before other ports (up to
    // ~1000 messages): a self-posting yield would starve comlink's port, so pause() waited seconds.
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

export class Controller implements ControlApi {
  private cfg: RunConfig | null = null;
  private engine: LockstepEngine | null = null;
  private pool: CpuPool | null = null;
  private region: SnapshotRegion | null = null;
  private infos: AllocatorInfo[] = [];
  private error: string | undefined;
  private playing = false;
  private stop = false;
  private loop: Promise<void> | null = null;
  private subs: ((s: Summary) => void)[] = [];
  private lastNotify = 0;
  /** Free-running: how far the streams have got (the slowest CPU's op index), else null. */
  private freeCursor: number | null = null;
  private freeDone = false;

  constructor(
    private readonly spawn: SpawnCpuWorker | null,
    private readonly opts: ControllerOptions = {},
  ) {}

  async configure(cfg: RunConfig): Promise<RunInfo> {
    await this.halt();
    this.teardown();
    this.cfg = cfg;
    this.error = undefined;
    this.freeCursor = null;
    this.freeDone = false;
    const engine = new LockstepEngine(cfg, this.opts.interval ?? 1024, this.opts.maxCheckpoints ?? 16);
    this.engine = engine;
    this.infos = engine.lanes.map((L) => ({
      name: specName(L.spec),
      label: L.allocator.label,
      ...L.allocator.geometry,
    }));
    this.region = createSnapshotRegion(this.infos);
    if (this.spawn && cfg.schedule === 'lockstep') {
      const pool = await CpuPool.start(
        this.spawn,
        cfg.cpus,
        cfg.allocators,
        engine.allocators.map((a) => a.buffers),
        engine.lanes.length,
        this.opts.timeoutMs ?? 5000,
      );
      this.pool = pool;
      const ahead = pool.enterLockstep(this.opts.cores ?? 1, { src: cfg, lanes: engine.lanes.length });
      engine.setExecutor({ mailbox: (cpu) => pool.mailboxes[cpu], run: (cpu, n) => pool.turn(cpu, n), ahead });
    }
    this.publish();
    return { allocators: this.infos, snapshot: this.region.buffer as SharedArrayBuffer };
  }

  step(n: number): Promise<Summary> {
    return this.exclusive(async () => {
      this.work((e) => {
        e.run(n);
        return true;
      });
    });
  }

  runUntil(target: RunTarget): Promise<Summary> {
    return this.exclusive(async () => {
      const e = this.need();
      if (this.cfg!.schedule === 'free') {
        if (target.kind !== 'end') throw new Error('the free-running schedule only runs to the end');
        await this.runFree();
        return;
      }
      const failures = (): number => e.lanes.reduce((s, L) => s + L.failures.length, 0);
      const before = failures();
      if (target.kind === 'op' && target.op < e.cursor) {
        this.work((x) => {
          x.seek(target.op);
          return true;
        });
        return;
      }
      await this.batches(
        () => {
          if (target.kind === 'op') return target.op - e.cursor;
          if (target.kind === 'failure' && failures() > before) return 0;
          return Infinity;
        },
        false,
        target.kind === 'failure',
      );
    });
  }

  async play(opsPerSecond: number): Promise<void> {
    await this.exclusive(async () => {
      if (this.cfg?.schedule === 'free') {
        this.playing = true;
        await this.runFree();
        return;
      }
      const t0 = performance.now();
      const c0 = this.need().cursor;
      this.playing = true;
      await this.batches(() => {
        if (!Number.isFinite(opsPerSecond)) return Infinity;
        return Math.floor(((performance.now() - t0) / 1000) * opsPerSecond) - (this.engine!.cursor - c0);
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
      if (this.cfg!.schedule === 'free') throw new Error('seek needs the lockstep schedule');
      this.work((e) => {
        e.seek(op);
        return true;
      });
    });
  }

  async summary(): Promise<Summary> {
    return this.buildSummary();
  }

  /**
   * Reads the lane's allocator directly. Safe while a play loop runs: this thread runs it in
   * batches, so the answer comes between two of them (free-running CPU workers may be mid-op;
   * the allocators answer null or a block that was true a moment ago, never throw).
   */
  async blockAt(lane: number, address: number): Promise<BlockInfo | null> {
    return this.engine?.lanes[lane]?.allocator.blockAt(address) ?? null;
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

  private need(): LockstepEngine {
    if (!this.engine || !this.cfg) throw new Error('configure() the run first');
    if (this.error) throw new Error(`the run failed (${this.error}); reset() it`);
    return this.engine;
  }

  /** Run `fn` after stopping any play loop; the promise settles with the summary or the error. */
  private async exclusive(fn: () => Promise<void>): Promise<Summary> {
    await this.halt();
    this.need();
    const p = (async () => {
      try {
        await fn();
      } catch (e) {
        await this.fail(e);
      } finally {
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
    return this.buildSummary();
  }

  /** A worker fault becomes the pool's message (and summary.error); other errors pass through. */
  private async fail(e: unknown): Promise<never> {
    if (this.pool && (e instanceof WorkerFault || this.pool.broken)) {
      const err = await this.pool.explain(e);
      this.error = err.message;
      this.pool.terminate();
      this.pool = null;
      this.notify(true);
      throw err;
    }
    throw e;
  }

  /** One synchronous piece of work on the engine. */
  private work(fn: (e: LockstepEngine) => boolean): void {
    fn(this.need());
  }

  /**
   * Run slices until `budget()` (ops allowed now; Infinity = no limit, 0 = stop) says
   * stop, the run ends, or pause() is called; publish and yield between slices.
   * `untilFailure`: a batch ends right after the first new allocation failure.
   */
  private async batches(budget: () => number, paced = false, untilFailure = false): Promise<void> {
    const e = this.need();
    const slice = this.opts.sliceMs ?? 12;
    while (!this.stop && !e.done) {
      const t = performance.now();
      let ran = 0;
      let b = budget();
      if (b <= 0 && !paced) break;
      while (b > 0 && performance.now() - t < slice) {
        const n = Math.min(b, 1024);
        const got = e.run(n, untilFailure);
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

  /** Free-running to the end on the configured allocators, republishing while it runs. */
  private async runFree(): Promise<void> {
    if (!this.spawn) throw new Error('the free-running schedule needs CPU workers');
    const cfg = this.cfg!;
    const e = this.need();
    let progress: Int32Array | null = null;
    this.freeCursor = 0;
    const stream = defaultFreeStream(cfg.workload);
    const timer = setInterval(() => {
      if (progress) this.freeCursor = stream === 'shared' ? Math.min(...progress) : progress.reduce((a, b) => a + b, 0);
      this.publish();
      this.notify();
    }, 16);
    try {
      const r = await runFreeRunning({
        ...cfg,
        stream,
        spawn: this.spawn,
        attach: e.allocators,
        timeoutMs: this.opts.timeoutMs,
        onStart: (p) => {
          progress = p;
        },
      });
      r.lanes.forEach((l, k) => {
        e.lanes[k].failures.push(...l.failures);
      });
      this.freeCursor = Math.max(0, ...r.lanes.map((l) => l.ops));
      this.freeDone = true;
    } finally {
      clearInterval(timer);
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
    this.pool?.terminate();
    this.pool = null;
    this.engine = null;
  }

  private publish(): void {
    const e = this.engine;
    if (!e || !this.region) return;
    const op = this.freeCursor ?? e.cursor;
    publish(
      this.region,
      e.allocators,
      e.lanes.map((_, k) => this.freeCursor ?? e.laneOps(k)),
      op,
    );
  }

  private notify(force = false): void {
    const now = performance.now();
    if (this.subs.length === 0 || (!force && now - this.lastNotify < 16)) return;
    this.lastNotify = now;
    const s = this.buildSummary();
    for (const cb of this.subs) {
      try {
        void Promise.resolve(cb(s)).catch(() => undefined);
      } catch {
        /* a closed proxy */
      }
    }
  }

  private buildSummary(): Summary {
    const e = this.engine;
    if (!e)
      return { generation: 0, op: 0, done: false, playing: false, allocators: [], lastOps: [], error: this.error };
    const s: Summary = {
      generation: this.region ? generationOf(this.region) : 0,
      op: this.freeCursor ?? e.cursor,
      done: this.freeDone || e.done,
      playing: this.playing,
      allocators: e.lanes.map((L, k) => {
        const blocks = L.allocator.freeSummary();
        const op = this.freeCursor ?? e.laneOps(k);
        return {
          name: this.infos[k].name,
          label: L.allocator.label,
          op,
          metrics: computeMetrics(L.allocator, blocks),
          failures: L.failures.filter((f) => f.op < op),
          histogram: freeHistogram(blocks),
        };
      }),
      lastOps: this.lastOps(e, 50),
    };
    if (this.error) s.error = this.error;
    return s;
  }

  private lastOps(e: LockstepEngine, n: number): OpRecord[] {
    const out: OpRecord[] = [];
    for (let i = Math.max(0, e.cursor - n); i < e.cursor; i++) {
      const L = e.lanes.find((l) => i < l.rec.len);
      if (!L) continue;
      out.push({
        index: i,
        cpu: L.rec.cpu[i],
        kind: KIND_NAME[L.rec.kind[i]] as OpKind,
        id: L.rec.id[i],
        bytes: L.rec.kind[i] === K_ALLOC ? L.rec.bytes[i] : (L.table.bytes[L.rec.id[i]] ?? 0),
        outcomes: e.lanes.map((l) => (i < l.rec.len ? l.rec.out[i] : NaN)),
        addresses: e.lanes.map((l) =>
          i < l.rec.len && l.rec.kind[i] !== K_ALLOC ? (l.table.addr[l.rec.id[i]] ?? -1) : -1,
        ),
        reasons: e.lanes.map((l) => l.reasons.get(i) ?? null),
      });
    }
    return out;
  }
}
