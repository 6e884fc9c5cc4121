/**
 * The coordinator's side of the CPU workers: spawning them through a factory (the
 * browser and Node supply their own Worker), commands over shared memory
 * (protocol.ts), and turning a dead, failed or hung worker into an Error with a
 * clear message instead of a hang.
 *
 * A command blocks the coordinator in Atomics.wait, so it runs in Node or in a
 * worker, never on a browser's main thread. The watchdog watches the workers'
 * progress counters: a batch may take as long as it needs while any worker moves;
 * only when none has moved for `timeoutMs` is it called hung. Nothing a worker does
 * outside a command (starting, a free run's set-up) is timed by it.
 */
import {
  C_ABORT,
  C_CMD,
  C_DONE,
  C_FAILED,
  C_FROM,
  C_ORDERED,
  C_BUF,
  C_SEQ,
  C_TO,
  CMD_BATCH,
  CMD_QUIT,
  CMD_RESET,
  CTRL_SLOTS,
  PROG_STRIDE,
  type FreeRunMessage,
  type FreeRunReport,
  type InitMessage,
} from './protocol';
import type { WorkerMessage, WorkerReply } from './cpu-worker';

export interface WorkerHandle {
  postMessage(m: WorkerMessage): void;
  /** `onDeath` gets a reason for 'error', 'messageerror' and an unexpected exit. */
  listen(onMessage: (m: WorkerReply) => void, onDeath: (reason: string) => void): void;
  terminate(): void;
}
export type SpawnCpuWorker = (index: number) => WorkerHandle;

/** Thrown by a blocking command; `WorkerPool.explain` turns it into the final message. */
export class WorkerFault extends Error {
  constructor(
    readonly index: number,
    readonly kind: 'hung' | 'failed',
  ) {
    super(`CPU worker ${index} ${kind}`);
  }
}

type Waiter = { type: WorkerReply['type']; resolve: (m: WorkerReply) => void; reject: (e: Error) => void };

const seconds = (ms: number): string => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

export class WorkerPool {
  readonly ctrl: Int32Array;
  readonly prog: Int32Array;
  /** Per lane: its first worker and how many (protocol.ts). */
  readonly groups: Int32Array;
  private readonly handles: WorkerHandle[] = [];
  private readonly deaths: (string | null)[] = [];
  private readonly errors: (string | null)[] = [];
  private readonly waiters: (Waiter | null)[] = [];
  private closed = false;
  private serving = false;

  private constructor(
    readonly workers: number,
    readonly lanes: number,
    readonly timeoutMs: number,
  ) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SLOTS * 4));
    this.prog = new Int32Array(new SharedArrayBuffer(workers * lanes * PROG_STRIDE * 4));
    this.groups = new Int32Array(new SharedArrayBuffer(2 * lanes * 4));
    for (let k = 0; k < lanes; k++) this.groups.set([0, workers], 2 * k);
  }

  /** The CPUs worker `w` runs. */
  cpusOf(w: number, cpus: number): number[] {
    return Array.from({ length: cpus }, (_, c) => c).filter((c) => c % this.workers === w);
  }

  /** Spawn `workers` workers and attach each to the run (`init` gets everything but the per-worker fields). */
  static async start(
    spawn: SpawnCpuWorker,
    workers: number,
    init: Omit<InitMessage, 'type' | 'index' | 'workers' | 'ctrl' | 'prog' | 'groups'>,
    timeoutMs: number,
  ): Promise<WorkerPool> {
    const pool = new WorkerPool(workers, init.specs.length, timeoutMs);
    for (let w = 0; w < workers; w++) {
      pool.deaths.push(null);
      pool.errors.push(null);
      pool.waiters.push(null);
      const h = spawn(w);
      pool.handles.push(h);
      h.listen(
        (m) => pool.onMessage(w, m),
        (reason) => pool.onDeath(w, reason),
      );
      h.postMessage({
        ...init,
        type: 'init',
        index: w,
        workers,
        ctrl: pool.ctrl.buffer,
        prog: pool.prog.buffer,
        groups: pool.groups.buffer,
      });
    }
    try {
      // Starting a worker (loading its modules; tsx in Node) takes far longer than a command.
      await Promise.all(pool.handles.map((_, w) => pool.expect(w, 'ready', Math.max(timeoutMs, 30000))));
    } catch (e) {
      pool.terminate();
      throw e;
    }
    return pool;
  }

  private onMessage(w: number, m: WorkerReply): void {
    const waiter = this.waiters[w];
    if (m.type === 'error') {
      this.errors[w] = m.message;
      if (waiter) {
        this.waiters[w] = null;
        waiter.reject(new Error(`CPU worker ${w} failed: ${m.message}`));
      }
      return;
    }
    if (waiter && waiter.type === m.type) {
      this.waiters[w] = null;
      waiter.resolve(m);
    }
  }

  private onDeath(w: number, reason: string): void {
    if (this.closed) return;
    this.deaths[w] ??= reason;
    Atomics.store(this.ctrl, C_ABORT, 1);
    const waiter = this.waiters[w];
    if (waiter) {
      this.waiters[w] = null;
      waiter.reject(new Error(`CPU worker ${w} died: ${reason}`));
    }
  }

  /** The next message of `type` from worker w, rejected on death or error; timeout 0 = none. */
  private expect<T extends WorkerReply['type']>(
    w: number,
    type: T,
    timeoutMs = 0,
  ): Promise<Extract<WorkerReply, { type: T }>> {
    const dead = this.deaths[w];
    if (dead !== null) return Promise.reject(new Error(`CPU worker ${w} died: ${dead}`));
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.waiters[w] = null;
              reject(new Error(`CPU worker ${w} did not start within ${seconds(timeoutMs)}`));
            }, timeoutMs)
          : undefined;
      this.waiters[w] = {
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<WorkerReply, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** Put every worker in its command loop (lockstep batches, resets). */
  serve(): void {
    if (this.serving) return;
    this.serving = true;
    // The worker may start serving after the first command was posted: it starts from this number.
    const seq = Atomics.load(this.ctrl, C_SEQ);
    for (const h of this.handles) h.postMessage({ type: 'serve', seq });
  }

  private progressSum(): number {
    let s = 0;
    for (let j = 0; j < this.prog.length; j += PROG_STRIDE) s += this.prog[j];
    return s;
  }

  /** Post a command and block until every worker is done with it (watchdog on progress). */
  private command(cmd: number, from: number, to: number, ordered: boolean, buf = 0): void {
    this.post(cmd, from, to, ordered, buf);
    this.wait();
  }

  /** Post a command (every worker starts on it); `wait` blocks until they are done. */
  private post(cmd: number, from: number, to: number, ordered: boolean, buf: number): void {
    const c = this.ctrl;
    if (Atomics.load(c, C_FAILED) !== 0) throw new WorkerFault(c[C_FAILED] - 1, 'failed');
    c[C_CMD] = cmd;
    c[C_FROM] = from;
    c[C_TO] = to;
    c[C_ORDERED] = ordered ? 1 : 0;
    c[C_BUF] = buf;
    Atomics.store(c, C_DONE, 0);
    Atomics.add(c, C_SEQ, 1);
    Atomics.notify(c, C_SEQ);
  }

  /** Until every worker is done with the posted command; a worker that threw or stalled is a WorkerFault. */
  wait(): void {
    const c = this.ctrl;
    let last = this.progressSum();
    let still = performance.now();
    for (let d = Atomics.load(c, C_DONE); d < this.workers; d = Atomics.load(c, C_DONE)) {
      Atomics.wait(c, C_DONE, d, 50);
      if (Atomics.load(c, C_FAILED) !== 0) throw new WorkerFault(c[C_FAILED] - 1, 'failed');
      const now = this.progressSum();
      if (now !== last) {
        last = now;
        still = performance.now();
      } else if (performance.now() - still > this.timeoutMs) {
        Atomics.store(c, C_ABORT, 1);
        throw new WorkerFault(this.stalled(), 'hung');
      }
    }
  }

  /** The worker to blame for a stall: one that others wait for and that waits for nobody, else the furthest behind. */
  private stalled(): number {
    const waitsFor = new Set<number>();
    const waiting = new Set<number>();
    let worst = 0;
    let min = Infinity;
    for (let w = 0; w < this.workers; w++) {
      for (let k = 0; k < this.lanes; k++) {
        // Only the workers of lane k's group run it (protocol.ts groups).
        const base = this.groups[2 * k];
        if (w < base || w >= base + this.groups[2 * k + 1]) continue;
        const at = (w * this.lanes + k) * PROG_STRIDE;
        const on = this.prog[at + 2];
        if (on > 0) {
          waiting.add(w);
          waitsFor.add(on - 1);
        }
        if (this.prog[at] < min) {
          min = this.prog[at];
          worst = w;
        }
      }
    }
    for (const w of waitsFor) if (!waiting.has(w)) return w;
    return worst;
  }

  /**
   * Start executing ops [from, to) on the workers, their outcomes into batch buffer set `buf`
   * (0 or 1: the coordinator reads the other set meanwhile); `wait()` for the end.
   */
  launch(from: number, to: number, ordered: boolean, buf: number): void {
    this.serve();
    this.post(CMD_BATCH, from, to, ordered, buf);
  }

  /**
   * Which workers run each lane: [first, count] per lane. A change is followed by a reset at
   * `cursor` (every op before it is done), so the workers forget what they knew of the old groups.
   */
  setGroups(groups: readonly (readonly [number, number])[], cursor: number): void {
    let changed = false;
    groups.forEach(([first, n], k) => {
      if (this.groups[2 * k] !== first || this.groups[2 * k + 1] !== n) changed = true;
      this.groups[2 * k] = first;
      this.groups[2 * k + 1] = n;
    });
    if (changed) this.reset(cursor);
  }

  /** Tell the workers the state changed under them (a seek): every op before `cursor` is done. */
  reset(cursor: number): void {
    this.serve();
    this.command(CMD_RESET, cursor, cursor, true);
  }

  /** Leave the command loop (before a free run). */
  async leave(): Promise<void> {
    if (!this.serving) return;
    const left = this.handles.map((_, w) => this.expect(w, 'left'));
    this.command(CMD_QUIT, 0, 0, true);
    this.serving = false;
    await Promise.all(left);
  }

  /** Every worker runs its own streams (free-running); resolves with their reports. */
  async freeRun(job: (w: number) => FreeRunMessage, onTick?: () => void): Promise<FreeRunReport[]> {
    await this.leave();
    const done = this.handles.map((_, w) => this.expect(w, 'free-done'));
    this.handles.forEach((h, w) => h.postMessage(job(w)));
    let last = -1;
    let still = performance.now();
    const hung = new Promise<never>((_, reject) => {
      const t = setInterval(() => {
        onTick?.();
        const now = this.progressSum();
        if (now !== last) {
          last = now;
          still = performance.now();
        } else if (performance.now() - still > this.timeoutMs) {
          clearInterval(t);
          Atomics.store(this.ctrl, C_ABORT, 1);
          reject(new Error(`free run: no CPU worker made progress within ${seconds(this.timeoutMs)}`));
        }
      }, 100);
      void Promise.all(done).finally(() => clearInterval(t));
    });
    const reports = await Promise.race([Promise.all(done), hung]);
    return reports.map((r) => r.report);
  }

  /** The message for a fault: yields to the event loop first so error and exit events arrive. */
  async explain(e: unknown): Promise<Error> {
    if (!(e instanceof WorkerFault)) return e instanceof Error ? e : new Error(String(e));
    await new Promise((r) => setTimeout(r, 50));
    const w = e.index;
    if (this.deaths[w] !== null) return new Error(`CPU worker ${w} died: ${this.deaths[w]}`);
    if (this.errors[w] !== null) return new Error(`CPU worker ${w} failed: ${this.errors[w]}`);
    return new Error(
      e.kind === 'hung'
        ? `CPU worker ${w} made no progress for ${seconds(this.timeoutMs)} (hung)`
        : `CPU worker ${w} failed`,
    );
  }

  /** Whether some worker failed or died (the run must be reset). */
  get broken(): boolean {
    return (
      this.deaths.some((d) => d !== null) ||
      this.errors.some((d) => d !== null) ||
      Atomics.load(this.ctrl, C_FAILED) !== 0
    );
  }

  terminate(): void {
    this.closed = true;
    Atomics.store(this.ctrl, C_ABORT, 1);
    for (const h of this.handles) {
      try {
        h.terminate();
      } catch {
        /* already gone */
      }
    }
  }
}
