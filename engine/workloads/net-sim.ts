/**
 * What the network workloads (nic-rx, tcp-stream, web-server) share: their common
 * parameters, the op queue a simulated tick fills and produce() drains, the wire's
 * bursts, and the flow hash that picks a packet's CPU.
 *
 * Time runs in ticks of one full-size frame on the wire (line rate: at most one packet
 * arrives per tick). A tick may make no op (the wire is idle, nobody is due) or many (a
 * NAPI poll hands up 64 packets); produce() simulates ticks until it has the ops it was
 * asked for and keeps the rest queued, so `save()` includes the queue.
 */
import { K_ALLOC, K_FREE, type OpBuffer } from '../core/op-buffer';
import { MAX_CPUS } from '../core/limits';
import { PACKET_SIZE_DISTRIBUTIONS } from '../data/packet-sizes';
import type { ParamSpecs } from './params';
import { ETH_OVERHEAD, SKB_ERA_NAMES, frameOf, samplePacketSize } from './skb';
import { SlotPool } from './support';

/** The `sizes` value that makes every packet a full-MTU frame (a bulk transfer). */
export const FULL_FRAMES = 'full';

/** Parameters of all three network workloads (each adds its own). */
export const NET_PARAMS = {
  era: {
    kind: 'enum',
    default: '2.6.18-x86_64',
    values: SKB_ERA_NAMES,
    doc: 'kernel whose skb sizes and e1000 receive path are modelled: Linux 2.6.18 (e1000 7.1.9-k4) on x86_64 or i386, or Linux 6.6 on x86_64',
  },
  line: {
    kind: 'int',
    default: 0,
    min: 0,
    max: 4096,
    doc: "SMP_CACHE_BYTES that SKB_DATA_ALIGN rounds to; 0 = the era's (64: x86_64 K8 and 6.6; 32: i386 M686)",
  },
  mtu: {
    kind: 'int',
    default: 1500,
    min: 576,
    max: 9000,
    doc: 'MTU in bytes: 1500, or 9000 for jumbo frames (receive buffers of several pages on 2.6.18)',
  },
  ring: {
    kind: 'int',
    default: 256,
    min: 256,
    max: 4096,
    doc: 'receive descriptors in the NIC ring (e1000 RxDescriptors: default 256, at most 4096)',
  },
  poll: {
    kind: 'int',
    default: 16,
    min: 1,
    max: 4096,
    doc: 'ticks (full frames at line rate) between NAPI polls of the RX CPU: interrupt moderation (our choice)',
  },
  copybreak: {
    kind: 'int',
    default: 256,
    min: 0,
    max: 9018,
    doc: "frames this short are copied into a fresh small skb (e1000's copybreak: 256 in both eras; 0 = off)",
  },
  recycle: {
    kind: 'bool',
    default: true,
    doc: 'after a copybreak copy the driver keeps its big buffer in the ring (e1000); false = it is freed at once and refilled',
  },
  rxCpu: {
    kind: 'int',
    default: 0,
    min: 0,
    max: MAX_CPUS - 1,
    doc: 'the CPU that takes the NIC interrupt, runs the NAPI polls and refills the ring',
  },
  burst: {
    kind: 'int',
    default: 1024,
    min: 0,
    doc: 'ticks of line-rate traffic per burst (0 = the wire never pauses)',
  },
  idle: {
    kind: 'int',
    default: 1024,
    min: 0,
    max: 1000000,
    doc: 'ticks of silence after each burst, in which the consumers catch up',
  },
} as const satisfies ParamSpecs;

/** The packet size parameter of the workloads that draw packet sizes (nic-rx, tcp-stream). */
export const SIZES_PARAM = {
  sizes: {
    kind: 'enum',
    default: 'imix',
    values: [...Object.keys(PACKET_SIZE_DISTRIBUTIONS), FULL_FRAMES],
    doc: "packet sizes: 'imix', 'imix-eth', 'fixwest', 'fddi1996' (engine/data/packet-sizes.ts), or 'full' = every frame as long as the MTU allows",
  },
} as const satisfies ParamSpecs;

/** A uniform draw to a frame length (FCS included) for the `sizes` parameter. */
export function frameSampler(sizes: string, mtu: number): (u: number) => number {
  if (sizes === FULL_FRAMES) return () => mtu + ETH_OVERHEAD;
  const dist = PACKET_SIZE_DISTRIBUTIONS[sizes];
  return (u) => frameOf(samplePacketSize(dist, u), dist, mtu);
}

/** Whether the wire carries traffic at `tick` (bursts of `burst` ticks, `idle` ticks apart). */
export function wireBusy(tick: number, burst: number, idle: number): boolean {
  return burst === 0 || tick % (burst + idle) < burst;
}

/** A CPU parameter must name one of the run's CPUs; -1 (where allowed) picks `auto`. */
export function checkCpu(workload: string, name: string, cpu: number, cpus: number, auto?: number): number {
  if (cpu === -1 && auto !== undefined) return auto;
  if (cpu < 0 || cpu >= cpus) {
    throw new Error(
      `workload '${workload}': parameter '${name}' must be a CPU below cpus (${cpus})${auto === undefined ? '' : ' or -1'}, got ${cpu}`,
    );
  }
  return cpu;
}

/**
 * The CPU a flow's packets are processed on: a 32-bit mix of the flow id (standing in for
 * the NIC's Toeplitz hash) scaled onto the CPUs as get_rps_cpu does (reciprocal_scale).
 */
export function flowCpu(flow: number, cpus: number): number {
  let h = (flow + 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return Math.floor((h * cpus) / 4294967296);
}

/** Ops made by a tick and not yet handed to produce(), oldest first, with the slots they name. */
export class NetOps {
  private kind: number[] = [];
  private cpu: number[] = [];
  private slot: number[] = [];
  private size: number[] = [];
  private head = 0;
  readonly slots = new SlotPool();

  get queued(): number {
    return this.kind.length - this.head;
  }

  /** Queue an allocation on `cpu`; returns its slot. */
  alloc(cpu: number, bytes: number): number {
    const s = this.slots.take();
    this.push(K_ALLOC, cpu, s, bytes);
    return s;
  }

  free(cpu: number, slot: number): void {
    this.push(K_FREE, cpu, slot, 0);
    this.slots.release(slot);
  }

  private push(kind: number, cpu: number, slot: number, size: number): void {
    this.kind.push(kind);
    this.cpu.push(cpu);
    this.slot.push(slot);
    this.size.push(size);
  }

  /** Move up to `n` queued ops into `out`; how many moved. */
  drain(out: OpBuffer, n: number): number {
    const m = Math.min(n, this.queued);
    for (let k = 0; k < m; k++, this.head++) {
      out.push(this.kind[this.head], this.cpu[this.head], this.slot[this.head], this.size[this.head]);
    }
    if (this.head === this.kind.length) {
      this.kind = [];
      this.cpu = [];
      this.slot = [];
      this.size = [];
      this.head = 0;
    }
    return m;
  }

  save(): { ops: Float64Array; slots: ReturnType<SlotPool['save']> } {
    const n = this.queued;
    const ops = new Float64Array(n * 4);
    for (let k = 0; k < n; k++) {
      const i = this.head + k;
      ops.set([this.kind[i], this.cpu[i], this.slot[i], this.size[i]], k * 4);
    }
    return { ops, slots: this.slots.save() };
  }

  restore(s: { ops: Float64Array; slots: ReturnType<SlotPool['save']> }): void {
    this.kind = [];
    this.cpu = [];
    this.slot = [];
    this.size = [];
    this.head = 0;
    for (let k = 0; k < s.ops.length; k += 4) this.push(s.ops[k], s.ops[k + 1], s.ops[k + 2], s.ops[k + 3]);
    this.slots.restore(s.slots);
  }
}

/**
 * The produce() of a ticking network workload: drain queued ops, simulate ticks while
 * more are wanted, stop at the op budget `limit`. `made` counts ops produced so far.
 */
export function produceTicks(
  ops: NetOps,
  out: OpBuffer,
  n: number,
  state: { index: number; limit: number },
  tick: () => void,
): number {
  let made = 0;
  while (made < n && state.index < state.limit) {
    if (ops.queued === 0) tick();
    const m = ops.drain(out, Math.min(n - made, state.limit - state.index));
    made += m;
    state.index += m;
  }
  return made;
}
