/**
 * One lane's part of a batch on one CPU worker: run ahead through the ops of this
 * worker's CPUs, and wait only where the op order between workers matters, so that
 * the allocator sees exactly what it sees inline (bit for bit), while ops that
 * touch only their own CPU's state run in parallel.
 *
 * Every worker reads every op of the batch (cheap) to know, for the ops it executes:
 * - slot order: an op on a slot follows the previous op on that slot (a free needs
 *   the address its alloc got; a slot is reused only after its free);
 * - owner order: per CPU c, the ops that touch the state c shares with other CPUs
 *   (the allocator's `concurrency`: NTA's remote-free list of c, pow2's pages of c)
 *   run in op order: a cross-CPU free to c, and c's own ops that read that state;
 * - global order: before touching state of all CPUs (NTA's growth, a page source)
 *   the allocator calls `gate()`, which waits until every op before it has run.
 * All waits point to earlier op indices, so they cannot deadlock.
 */
import { K_ALLOC, K_FREE, K_PAGE_ALLOC, K_UNMAP, type OpBuffer } from '../../core/op-buffer';
import type { Allocator } from '../../core/types';
import { UNMODELLED, type Lane } from '../lane';
import { applyOp } from '../loop';
import { C_ABORT, C_BUF, C_ORDERED, PROG_STRIDE } from './protocol';

export class Aborted extends Error {}

export interface BatchViews {
  out: Float64Array;
  largest: Float64Array;
  held: Float64Array;
  util: Float64Array;
  info: Int32Array;
}

export class LaneRunner {
  private ownerOf = new Uint8Array(1024);
  private lastOp = new Int32Array(1024).fill(-1);
  private lastW = new Uint8Array(1024);
  private readonly lastX: Int32Array;
  private readonly lastXw: Uint8Array;
  /** The op being executed (for gate() and the held-bytes hook). */
  private cur = 0;
  /** The op index this worker has reached: all its ops below it have run. */
  private pos = 0;
  /** Lockstep (owner and global order kept) or free-running (slot order only). */
  private ordered = true;
  /** The batch buffers the current batch writes. */
  private batch: BatchViews;
  private from = 0;
  private readonly a: Allocator;
  private readonly crossTouchesOwner: boolean;
  /** 0 none, 1 frees (and unmaps), 2 all of the owner's ops touch its shared state. */
  private readonly ownerOps: number;
  /** Per-op held bytes for the coordinator, when other workers share the lane (protocol.ts held). */
  private readonly heldHook: (bytes: number) => void;

  constructor(
    private readonly lane: Lane,
    private readonly k: number,
    private readonly lanes: number,
    private readonly me: number,
    /** This lane's worker group (protocol.ts groups): first worker at [2k], how many at [2k+1]. */
    private readonly groups: Int32Array,
    cpus: number,
    private readonly ops: OpBuffer,
    private readonly prog: Int32Array,
    private readonly ctrl: Int32Array,
    /** The two sets of batch buffers; ctrl[C_BUF] says which one a batch writes. */
    private readonly sets: readonly BatchViews[],
    private readonly spin: number,
  ) {
    this.a = lane.allocator;
    const c = this.a.concurrency;
    this.crossTouchesOwner = c.crossFreeTouchesOwner;
    this.ownerOps = c.ownerOpsTouchingShared === 'all' ? 2 : c.ownerOpsTouchingShared === 'frees' ? 1 : 0;
    this.lastX = new Int32Array(cpus).fill(-1);
    this.lastXw = new Uint8Array(cpus);
    this.a.gate = () => this.waitPrefix();
    this.heldHook = (bytes: number) => {
      this.batch.held[this.cur - this.from] += bytes;
    };
    this.batch = sets[0];
  }

  private progAt(w: number): number {
    return (w * this.lanes + this.k) * PROG_STRIDE;
  }

  /** Publish this worker's progress in this lane; wake a sleeper if there is one. */
  private publish(v: number): void {
    const at = this.progAt(this.me);
    Atomics.store(this.prog, at, v);
    if (this.prog[at + 1] !== 0) Atomics.notify(this.prog, at);
  }

  /** Until worker w has executed its ops of this lane up to and including op `idx`. */
  private waitFor(w: number, idx: number): void {
    const at = this.progAt(w);
    let v = Atomics.load(this.prog, at);
    if (v > idx) return;
    // Say how far this worker is before waiting: the other may be waiting for it (gate()).
    this.publish(this.pos);
    for (let s = 0; v <= idx && s < this.spin; s++) v = Atomics.load(this.prog, at);
    // Who this worker waits for: a stall is blamed on the worker everyone waits for (pool.ts).
    const mine = this.progAt(this.me);
    if (v <= idx) Atomics.store(this.prog, mine + 2, w + 1);
    while (v <= idx) {
      if (Atomics.load(this.ctrl, C_ABORT) !== 0) throw new Aborted('aborted');
      Atomics.add(this.prog, at + 1, 1);
      Atomics.wait(this.prog, at, v, 5);
      Atomics.sub(this.prog, at + 1, 1);
      v = Atomics.load(this.prog, at);
    }
    Atomics.store(this.prog, mine + 2, 0);
  }

  /** Every op before the current one has run, on every worker of the lane. */
  private waitPrefix(): void {
    if (!this.ordered) return;
    const base = this.groups[2 * this.k];
    const n = this.groups[2 * this.k + 1];
    for (let w = base; w < base + n; w++) if (w !== this.me) this.waitFor(w, this.cur - 1);
  }

  /** Whether this worker runs some of this lane's ops. */
  get active(): boolean {
    const base = this.groups[2 * this.k];
    return this.me >= base && this.me < base + this.groups[2 * this.k + 1];
  }

  private ensureSlots(n: number): void {
    if (n <= this.ownerOf.length) return;
    const size = Math.max(n, this.ownerOf.length * 2);
    const o = new Uint8Array(size);
    o.set(this.ownerOf);
    this.ownerOf = o;
    const l = new Int32Array(size).fill(-1);
    l.set(this.lastOp);
    this.lastOp = l;
    const w = new Uint8Array(size);
    w.set(this.lastW);
    this.lastW = w;
  }

  /** The run was rewound or replayed elsewhere: every op before `cursor` is done; owners come from the slot table. */
  reset(cursor: number): void {
    const t = this.lane.slots;
    t.refresh();
    this.ensureSlots(t.length);
    this.ownerOf.set(t.owner.subarray(0, Math.min(t.length, this.ownerOf.length)));
    this.lastOp.fill(-1);
    this.lastX.fill(-1);
    this.publish(cursor);
  }

  /** Note that op i (kind, cpu, owner) touches CPU x's shared state; wait for the previous such op if mine. */
  private orderX(x: number, i: number, w: number, mine: boolean): void {
    const pw = this.lastXw[x];
    const pi = this.lastX[x];
    if (mine && this.ordered && pi >= 0 && pw !== this.me) this.waitFor(pw, pi);
    this.lastX[x] = i;
    this.lastXw[x] = w;
  }

  /** This worker's ops of [from, to) in this lane (none when the lane's group does not include it). */
  run(from: number, to: number): void {
    if (!this.active) return;
    const { ops, lane, me } = this;
    const base = this.groups[2 * this.k];
    const n = this.groups[2 * this.k + 1];
    const K = ops.kind,
      C = ops.cpu,
      S = ops.slot,
      Z = ops.size,
      m = ops.mask;
    this.ensureSlots(ops.slots);
    // The coordinator grows the slot tables before a batch needs them.
    lane.slots.refresh();
    this.from = from;
    this.ordered = Atomics.load(this.ctrl, C_ORDERED) !== 0;
    this.batch = this.sets[Atomics.load(this.ctrl, C_BUF)];
    // Alone, this worker records what the coordinator cannot know: the utilisation at a failure.
    this.a.onHeldChange = n === 1 ? null : this.heldHook;
    this.batch.info[0] = n === 1 ? 1 : 0;
    if (n === 1) {
      this.runAlone(from, to);
      return;
    }
    const { ownerOf, lastOp, lastW } = this;
    const { out, largest } = this.batch;
    for (let i = from; i < to; i++) {
      this.pos = i;
      const p = i & m;
      const kind = K[p],
        cpu = C[p],
        slot = S[p];
      const w = base + (cpu % n);
      const mine = w === me;
      if (mine) {
        const pi = lastOp[slot];
        if (pi >= 0 && lastW[slot] !== me) this.waitFor(lastW[slot], pi);
      }
      // Owner order (see the header).
      if (kind === K_ALLOC) {
        ownerOf[slot] = cpu;
        if (this.ownerOps === 2) this.orderX(cpu, i, w, mine);
      } else {
        const owner = ownerOf[slot];
        if (owner !== cpu && this.crossTouchesOwner) this.orderX(owner, i, w, mine);
        if (this.ownerOps === 2 || (this.ownerOps === 1 && (kind === K_FREE || kind === K_UNMAP))) {
          this.orderX(cpu, i, w, mine);
        }
      }
      lastOp[slot] = i;
      lastW[slot] = w;
      if (mine) {
        this.cur = i;
        const r = applyOp(lane, i, kind, cpu, slot, Z[p], ops.align[p]);
        out[i - from] = r;
        if ((kind === K_ALLOC || kind === K_PAGE_ALLOC) && r < 0) largest[i - from] = this.a.largestFree(cpu);
        this.publish(i + 1);
      } else if ((i & 63) === 0) this.publish(i);
    }
    this.publish(to);
  }

  /**
   * The lane's ops when this worker is its only one: nothing to order against, so no
   * per-op bookkeeping (slot and owner tables stay stale: a change of groups is always
   * followed by reset(), which reloads them). The allocator's state is exactly the inline
   * one at every op, so a failure's utilisation is read here, and the coordinator's merge
   * only looks at the negative outcomes (info). Progress is published every 1024 ops, for
   * the coordinator's watchdog.
   */
  private runAlone(from: number, to: number): void {
    const { ops, lane } = this;
    const K = ops.kind,
      C = ops.cpu,
      S = ops.slot,
      Z = ops.size,
      A = ops.align,
      m = ops.mask;
    const { out, largest, util, info } = this.batch;
    let negative = 0;
    for (let i = from; i < to; i++) {
      const p = i & m;
      const kind = K[p];
      this.cur = i;
      const r = applyOp(lane, i, kind, C[p], S[p], Z[p], A[p]);
      out[i - from] = r;
      if (r < 0) {
        negative++;
        if ((kind === K_ALLOC || kind === K_PAGE_ALLOC) && r !== UNMODELLED) {
          largest[i - from] = this.a.largestFree(C[p]);
          util[i - from] = lane.utilisation();
        }
      }
      if ((i & 1023) === 0) this.publish(i);
    }
    info[1] = negative;
    this.pos = to;
    this.publish(to);
  }
}
