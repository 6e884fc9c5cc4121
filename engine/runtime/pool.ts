/**
 * The coordinator's side of the CPU workers: spawning them through a factory (the
 * browser and Node supply their own Worker), the lockstep turn protocol over the
 * mailboxes, run-ahead batches (run-ahead.ts), free-running jobs, and turning a
 * dead or hung worker into an Error with a clear message instead of a hang.
 *
 * A lockstep turn blocks the coordinator in Atomics.wait (with a timeout), so it
 * runs in Node or in a worker, never on a browser's main thread. While blocked,
 * worker 'error'/'exit' events cannot be delivered; a failing worker also flags
 * its mailbox FAILED so the wait ends at once, and `explain()` yields to the event
 * loop to collect the real reason before rejecting.
 */
import type { AllocatorSpec } from '../allocators/registry';
import {
  MB_COUNT,
  MB_SPIN,
  MB_STATE,
  S_AHEAD,
  S_DONE,
  S_FAILED,
  S_IDLE,
  S_QUIT,
  S_REQUEST,
  mailboxInts,
  type FreeJob,
  type FromCpu,
  type ToCpu,
} from './cpu-loop';
import {
  R_ABORT,
  R_DONE,
  R_END,
  R_START,
  R_STOP_FAIL,
  R_STOPPED,
  createRunAheadJob,
  sleepOnDone,
  viewsOf,
  type RunAheadPort,
  type RunAheadViews,
} from './run-ahead';
import type { WorkloadSource } from './workload-of';

export interface WorkerHandle {
  postMessage(m: ToCpu): void;
  /** `onDeath` gets a reason for 'error', 'messageerror' and an unexpected exit. */
  listen(onMessage: (m: FromCpu) => void, onDeath: (reason: string) => void): void;
  terminate(): void;
}
export type SpawnCpuWorker = (cpu: number) => WorkerHandle;

/** Thrown synchronously by `turn`; `CpuPool.explain` turns it into the final message. */
export class WorkerFault extends Error {
  constructor(
    readonly cpu: number,
    readonly kind: 'hung' | 'failed',
  ) {
    super(`CPU ${cpu} worker ${kind}`);
  }
}

type Waiter = { type: FromCpu['type']; resolve: (m: FromCpu) => void; reject: (e: Error) => void };

export class CpuPool {
  readonly mailboxes: Int32Array[] = [];
  private readonly handles: WorkerHandle[] = [];
  private readonly deaths: (string | null)[] = [];
  private readonly errors: (string | null)[] = [];
  private readonly waiters: (Waiter | null)[] = [];
  private closed = false;

  private constructor(
    readonly cpus: number,
    readonly timeoutMs: number,
  ) {}

  /** Spawn `cpus` workers and attach each to the allocator buffers. */
  static async start(
    spawn: SpawnCpuWorker,
    cpus: number,
    specs: AllocatorSpec[],
    buffers: (readonly ArrayBufferLike[])[],
    entries: number,
    timeoutMs: number,
  ): Promise<CpuPool> {
    const pool = new CpuPool(cpus, timeoutMs);
    for (let cpu = 0; cpu < cpus; cpu++) {
      const mailbox = new SharedArrayBuffer(mailboxInts(entries) * 4);
      pool.mailboxes.push(new Int32Array(mailbox));
      pool.deaths.push(null);
      pool.errors.push(null);
      pool.waiters.push(null);
      const h = spawn(cpu);
      pool.handles.push(h);
      h.listen(
        (m) => pool.onMessage(cpu, m),
        (reason) => pool.onDeath(cpu, reason),
      );
      h.postMessage({ type: 'init', cpu, cpus, specs, buffers, mailbox });
    }
    try {
      // Starting a worker (loading its modules; tsx in Node) takes far longer than a turn: give it 20 s at least.
      await Promise.all(pool.handles.map((_, cpu) => pool.expect(cpu, 'ready', Math.max(timeoutMs, 20000))));
    } catch (e) {
      pool.terminate();
      throw e;
    }
    return pool;
  }

  private onMessage(cpu: number, m: FromCpu): void {
    const w = this.waiters[cpu];
    if (m.type === 'error') {
      this.errors[cpu] = m.message;
      if (w) {
        this.waiters[cpu] = null;
        w.reject(new Error(`CPU ${cpu} worker failed: ${m.message}`));
      }
      return;
    }
    if (w && w.type === m.type) {
      this.waiters[cpu] = null;
      w.resolve(m);
    }
  }

  private onDeath(cpu: number, reason: string): void {
    if (this.closed) return;
    this.deaths[cpu] ??= reason;
    const w = this.waiters[cpu];
    if (w) {
      this.waiters[cpu] = null;
      w.reject(new Error(`CPU ${cpu} worker died: ${reason}`));
    }
  }

  /** The next message of `type` from `cpu`, rejected on death, error or timeout (timeout 0 = none). */
  expect<T extends FromCpu['type']>(
    cpu: number,
    type: T,
    timeoutMs = this.timeoutMs,
  ): Promise<Extract<FromCpu, { type: T }>> {
    const dead = this.deaths[cpu];
    if (dead !== null) return Promise.reject(new Error(`CPU ${cpu} worker died: ${dead}`));
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.waiters[cpu] = null;
              reject(new Error(`CPU ${cpu} worker did not answer within ${seconds(timeoutMs)}`));
            }, timeoutMs)
          : undefined;
      this.waiters[cpu] = {
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<FromCpu, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** Polls before sleeping, for both sides of a turn (see lockstepSpin). */
  private spin = 200;

  /**
   * Put every worker in its lockstep loop (it then serves turns until `leaveLockstep`).
   * `cores`: hardware threads available. A turn is handed over within microseconds, while
   * waking a thread from Atomics.wait costs tens; so when the coordinator and every worker
   * can each have a core, both sides poll for a while before sleeping. When threads share
   * cores, polling would steal the core from the thread that has the turn: poll briefly.
   */
  enterLockstep(cores = 1, ahead?: { src: WorkloadSource; lanes: number }): RunAheadPort | null {
    this.spin = cores >= this.cpus + 1 ? 50000 : 200;
    const job = ahead ? createRunAheadJob(ahead.src, ahead.lanes, cores >= this.cpus ? 50000 : 200) : undefined;
    for (let cpu = 0; cpu < this.cpus; cpu++) {
      this.mailboxes[cpu][MB_SPIN] = this.spin;
      Atomics.store(this.mailboxes[cpu], MB_STATE, S_IDLE);
      this.handles[cpu].postMessage(job ? { type: 'lockstep', ahead: job } : { type: 'lockstep' });
    }
    return job ? this.aheadPort(viewsOf(job), cores >= this.cpus + 1) : null;
  }

  /**
   * The coordinator's side of run-ahead batches (see run-ahead.ts). `follow`: every thread
   * has a core, so the coordinator follows the workers op by op; otherwise it sleeps until
   * the batch is over, leaving the cores to the workers (who then poll for each other).
   */
  private aheadPort(views: RunAheadViews, follow: boolean): RunAheadPort {
    const { ctrl } = views;
    let seen = 0; // R_DONE as last read
    const fault = (cpu: number, kind: 'hung' | 'failed'): never => {
      Atomics.store(ctrl, R_ABORT, 1);
      Atomics.notify(ctrl, R_DONE);
      throw new WorkerFault(cpu, kind);
    };
    /** The CPU to blame when the batch stalls: one still in the batch and not waiting for another CPU. */
    const stalled = (fallback: number): number => {
      for (let c = 0; c < this.cpus; c++) {
        if (
          Atomics.load(this.mailboxes[c], MB_STATE) === S_AHEAD &&
          Atomics.load(ctrl, R_STOPPED + this.cpus + c) === 0
        )
          return c;
      }
      return fallback;
    };
    const failed = (): number => this.mailboxes.findIndex((mb) => Atomics.load(mb, MB_STATE) === S_FAILED);
    /** Until every worker has left the batch. */
    const waitAll = (): void => {
      for (let cpu = 0; cpu < this.cpus; cpu++) {
        const mb = this.mailboxes[cpu];
        let s = Atomics.load(mb, MB_STATE);
        for (let spin = 0; s === S_AHEAD && spin < this.spin; spin++) s = Atomics.load(mb, MB_STATE);
        const deadline = performance.now() + this.timeoutMs;
        while ((s = Atomics.load(mb, MB_STATE)) === S_AHEAD) {
          const bad = failed();
          if (bad >= 0) fault(bad, 'failed');
          const left = deadline - performance.now();
          if (left <= 0) fault(stalled(cpu), 'hung');
          Atomics.wait(mb, MB_STATE, S_AHEAD, Math.min(left, 50));
        }
        if (s !== S_DONE) fault(cpu, 'failed');
      }
    };
    return {
      views,
      begin: (start, end, stopOnFailure) => {
        ctrl[R_START] = start;
        ctrl[R_END] = end;
        ctrl[R_STOP_FAIL] = stopOnFailure ? 1 : 0;
        Atomics.store(ctrl, R_DONE, 0);
        seen = 0;
        for (const mb of this.mailboxes) {
          Atomics.store(mb, MB_STATE, S_AHEAD);
          Atomics.notify(mb, MB_STATE);
        }
      },
      await: (seq, cpu) => {
        if (seen > seq) return;
        if (!follow) {
          waitAll();
          seen = Atomics.load(ctrl, R_DONE);
          if (seen <= seq) throw new Error(`run-ahead: the batch ended before its op ${seq}`);
          return;
        }
        let d = Atomics.load(ctrl, R_DONE);
        for (let spin = 0; d <= seq && spin < this.spin; spin++) d = Atomics.load(ctrl, R_DONE);
        const deadline = performance.now() + this.timeoutMs;
        while (d <= seq) {
          const bad = failed();
          if (bad >= 0) fault(bad, 'failed');
          const left = deadline - performance.now();
          if (left <= 0) fault(stalled(cpu), 'hung');
          sleepOnDone(ctrl, d, Math.min(left, 50));
          d = Atomics.load(ctrl, R_DONE);
        }
        seen = d;
      },
      finish: () => {
        waitAll();
        const at = ctrl[R_STOPPED];
        for (let cpu = 1; cpu < this.cpus; cpu++) {
          if (ctrl[R_STOPPED + cpu] !== at)
            throw new Error(`run-ahead: CPU ${cpu} ended the batch at op ${ctrl[R_STOPPED + cpu]}, CPU 0 at ${at}`);
        }
        return at;
      },
    };
  }

  /** One lockstep turn: `cpu` executes the `n` entries written to its mailbox. Synchronous. */
  turn(cpu: number, n: number): void {
    const mb = this.mailboxes[cpu];
    mb[MB_COUNT] = n;
    Atomics.store(mb, MB_STATE, S_REQUEST);
    Atomics.notify(mb, MB_STATE);
    let s = Atomics.load(mb, MB_STATE);
    for (let spin = 0; s === S_REQUEST && spin < this.spin; spin++) s = Atomics.load(mb, MB_STATE);
    if (s === S_REQUEST) {
      const deadline = performance.now() + this.timeoutMs;
      while ((s = Atomics.load(mb, MB_STATE)) === S_REQUEST) {
        const left = deadline - performance.now();
        if (left <= 0) throw new WorkerFault(cpu, 'hung');
        Atomics.wait(mb, MB_STATE, S_REQUEST, left);
      }
    }
    if (s !== S_DONE) throw new WorkerFault(cpu, 'failed');
  }

  /** The message for a fault: yields to the event loop first so 'error'/'exit' and error messages arrive. */
  async explain(e: unknown): Promise<Error> {
    if (!(e instanceof WorkerFault)) return e instanceof Error ? e : new Error(String(e));
    await new Promise((r) => setTimeout(r, 50));
    const { cpu } = e;
    if (this.deaths[cpu] !== null) return new Error(`CPU ${cpu} worker died: ${this.deaths[cpu]}`);
    if (this.errors[cpu] !== null) return new Error(`CPU ${cpu} worker failed: ${this.errors[cpu]}`);
    return new Error(
      e.kind === 'hung'
        ? `CPU ${cpu} worker did not answer within ${seconds(this.timeoutMs)}`
        : `CPU ${cpu} worker failed`,
    );
  }

  /** Send a free-running job to every worker; resolves with each CPU's report. */
  async runFree(job: (cpu: number) => FreeJob): Promise<Extract<FromCpu, { type: 'free-done' }>[]> {
    const done = this.handles.map((_, cpu) => this.expect(cpu, 'free-done', 0));
    this.handles.forEach((h, cpu) => h.postMessage(job(cpu)));
    return Promise.all(done);
  }

  async leaveLockstep(): Promise<void> {
    const left = this.handles.map((_, cpu) => this.expect(cpu, 'left'));
    for (const mb of this.mailboxes) {
      Atomics.store(mb, MB_STATE, S_QUIT);
      Atomics.notify(mb, MB_STATE);
    }
    await Promise.all(left);
  }

  /** Whether some worker failed or died (the run must be reset). */
  get broken(): boolean {
    return (
      this.deaths.some((d) => d !== null) ||
      this.errors.some((d) => d !== null) ||
      this.mailboxes.some((mb) => Atomics.load(mb, MB_STATE) === S_FAILED)
    );
  }

  terminate(): void {
    this.closed = true;
    for (const h of this.handles) {
      try {
        h.terminate();
      } catch {
        /* already gone */
      }
    }
  }
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}
