/**
 * nic-rx: a NIC receive ring refilled by NAPI polls on one CPU, its packets freed on the
 * CPUs their flows hash to: the remote frees NTA queues for their owner.
 *
 * Each tick the wire may bring one frame (bursts, net-sim.ts); the NIC writes it into free
 * descriptors or drops it when none is free. Every `poll` ticks the RX CPU cleans up to 64
 * descriptors: a frame shorter than `copybreak` is copied into a fresh small skb, any other
 * frame's buffer is handed up; the ring is refilled as e1000 does (rx-ring.ts). The skb goes to
 * the backlog of the CPU its flow hashes to (RSS/RPS; every CPU takes flows); a full backlog
 * (netdev_max_backlog) drops it, freed on the RX CPU. Each CPU frees its backlog's skbs, oldest
 * first, at `rate` times its share of line rate.
 */
import type { OpBuffer } from '../core/op-buffer';
import { NET_PARAMS, NetOps, SIZES_PARAM, checkCpu, flowCpu, frameSampler, produceTicks, wireBusy } from './net-sim';
import { resolveParams, type ParamSpecs, type ParamsInput } from './params';
import { Rng, type RngState } from './rng';
import { NAPI_BUDGET, RxRing, copybreakBytes, descsFor, rxPlan, type RingState } from './rx-ring';
import { skbEra } from './skb';
import { SlotFifo, opBudget } from './support';
import type { OpStream } from './types';

export const NIC_RX_PARAMS = {
  ...NET_PARAMS,
  ...SIZES_PARAM,
  flows: {
    kind: 'int',
    default: 64,
    min: 1,
    max: 1000000,
    doc: 'flow population: each packet belongs to a flow drawn uniformly from this many (our choice); the flow hash picks the CPU that frees it',
  },
  rate: {
    kind: 'number',
    default: 0.75,
    min: 0.01,
    max: 100,
    doc: 'consumer speed: each CPU frees up to rate x its share of line rate; below 1 backlogs grow during bursts',
  },
  backlog: {
    kind: 'int',
    default: 1000,
    min: 1,
    max: 100000,
    doc: 'netdev_max_backlog (1000 in 2.6.18 and 6.6): a packet for a CPU with this many queued is dropped on the RX CPU',
  },
} as const satisfies ParamSpecs;

export const NIC_RX_DEFAULT_OPS = 200000;

export interface NicRxStream extends OpStream {
  /** skbs waiting in the CPUs' backlogs. */
  readonly backlogged: number;
  /** Frames the NIC dropped for want of a free descriptor. */
  readonly missed: number;
  /** skbs dropped because their CPU's backlog was full. */
  readonly dropped: number;
  /** Ticks simulated so far. */
  readonly ticks: number;
}

interface NicRxState {
  rng: RngState;
  ops: ReturnType<NetOps['save']>;
  ring: RingState;
  pending: Int32Array;
  backlogs: Int32Array[];
  counts: number[];
  credit: number[];
  tick: number;
  index: number;
  missed: number;
  dropped: number;
  started: boolean;
}

/** Each arriving frame draws two values (size, flow); nothing else is random. */
export function createNicRx(params: ParamsInput = {}): NicRxStream {
  const p = resolveParams('nic-rx', NIC_RX_PARAMS, params);
  const rxCpu = checkCpu('nic-rx', 'rxCpu', p.rxCpu, p.cpus);
  const plan = rxPlan(p.mtu, skbEra(p.era, p.line));
  const frameOfU = frameSampler(p.sizes, p.mtu);
  const rng = new Rng(p.seed);
  const ops = new NetOps();
  const ring = new RxRing(p.ring, plan, rxCpu, ops);
  const run = { index: 0, limit: opBudget(p.ops, NIC_RX_DEFAULT_OPS) };
  /** Frames the NIC wrote and the driver has not cleaned: frame length, flow. */
  let pending = new SlotFifo();
  /** Per CPU: skbs as [slot count, slots...], oldest first. */
  let backlogs = Array.from({ length: p.cpus }, () => new SlotFifo());
  let counts = new Array<number>(p.cpus).fill(0);
  let credit = new Array<number>(p.cpus).fill(0);
  let tick = 0;
  let missed = 0;
  let dropped = 0;
  let started = false;

  const deliver = (skb: number[], cpu: number): void => {
    if (counts[cpu] >= p.backlog) {
      for (const s of skb) ops.free(rxCpu, s);
      dropped++;
      return;
    }
    backlogs[cpu].push(skb.length);
    for (const s of skb) backlogs[cpu].push(s);
    counts[cpu]++;
  };

  const napiPoll = (): void => {
    let work = 0;
    while (pending.size > 0) {
      const d = descsFor(pending.peek(), plan);
      if (work > 0 && work + d > NAPI_BUDGET) break;
      const frame = pending.shift();
      const flow = pending.shift();
      const copy = copybreakBytes(frame, p.copybreak, plan);
      let skb: number[];
      if (copy > 0) {
        skb = [ops.alloc(rxCpu, copy)];
        for (const s of ring.clean(d, p.recycle)) ops.free(rxCpu, s);
      } else {
        skb = ring.clean(d, false);
      }
      deliver(skb, flowCpu(flow, p.cpus));
      work += d;
    }
    ring.endPoll();
  };

  const consume = (): void => {
    for (let c = 0; c < p.cpus; c++) {
      credit[c] += p.rate / p.cpus;
      while (credit[c] >= 1 && counts[c] > 0) {
        const n = backlogs[c].shift();
        for (let k = 0; k < n; k++) ops.free(c, backlogs[c].shift());
        counts[c]--;
        credit[c] -= 1;
      }
      // An idle consumer banks no more than one packet's worth of time.
      if (counts[c] === 0) credit[c] = Math.min(credit[c], 1);
    }
  };

  const step = (): void => {
    if (!started) {
      started = true;
      ring.start();
      return;
    }
    const t = tick++;
    if (wireBusy(t, p.burst, p.idle)) {
      const frame = frameOfU(rng.nextFloat());
      const flow = Math.floor(rng.nextFloat() * p.flows);
      if (ring.receive(descsFor(frame, plan))) {
        pending.push(frame);
        pending.push(flow);
      } else missed++;
    }
    if (t % p.poll === p.poll - 1) napiPoll();
    consume();
  };

  return {
    name: 'nic-rx',
    kind: 'stream',
    get backlogged() {
      return counts.reduce((a, b) => a + b, 0);
    },
    get missed() {
      return missed;
    },
    get dropped() {
      return dropped;
    },
    get ticks() {
      return tick;
    },
    produce: (out: OpBuffer, n: number): number => produceTicks(ops, out, n, run, step),
    save: (): NicRxState => ({
      rng: rng.getState(),
      ops: ops.save(),
      ring: ring.save(),
      pending: pending.save(),
      backlogs: backlogs.map((b) => b.save()),
      counts: [...counts],
      credit: [...credit],
      tick,
      index: run.index,
      missed,
      dropped,
      started,
    }),
    restore(state: unknown): void {
      const s = state as NicRxState;
      rng.setState(s.rng);
      ops.restore(s.ops);
      ring.restore(s.ring);
      pending = new SlotFifo();
      pending.restore(s.pending);
      backlogs = s.backlogs.map((b) => {
        const f = new SlotFifo();
        f.restore(b);
        return f;
      });
      counts = [...s.counts];
      credit = [...s.credit];
      tick = s.tick;
      run.index = s.index;
      missed = s.missed;
      dropped = s.dropped;
      started = s.started;
    },
  };
}
