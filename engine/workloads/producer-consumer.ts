/**
 * producer-consumer: network receive buffers. CPU 0 allocates (the NIC's receive
 * path), the consumers on CPUs 1..cpus-1 free them a little later: the case the
 * NTA's remote-free lists exist for. Sizes come from a packet size distribution
 * (engine/data/packet-sizes.ts), optionally turned into Linux 2.6.18 skb data
 * sizes (allocators.md section 4).
 */
import { PACKET_SIZE_DISTRIBUTIONS, type PacketSizeDistribution } from '../data/packet-sizes';
import { resolveParams, type ParamSpecs, type ParamsInput } from './params';
import { Rng } from './rng';
import { IdFifo, opBudget } from './support';
import type { Op, Workload } from './types';

export const PRODUCER_CONSUMER_PARAMS = {
  sizes: {
    kind: 'enum',
    default: 'imix',
    values: Object.keys(PACKET_SIZE_DISTRIBUTIONS),
    doc: "packet sizes: 'imix' = Simple IMIX 40/576/1500 IP bytes 7:4:1; 'imix-eth' = the same as Ethernet frames 64/594/1518; 'fixwest' = FIX-West 1996 measured IP sizes",
  },
  skb: {
    kind: 'bool',
    default: true,
    doc: 'request skb data bytes = SKB_DATA_ALIGN(len + pad) + shinfo instead of the packet length',
  },
  pad: { kind: 'int', default: 16, min: 0, doc: 'NET_SKB_PAD added by dev_alloc_skb (skb only)' },
  line: { kind: 'int', default: 64, min: 1, doc: 'cache line SKB_DATA_ALIGN rounds to (skb only)' },
  shinfo: {
    kind: 'int',
    default: 312,
    min: 0,
    doc: 'sizeof(struct skb_shared_info): 312 on x86_64, 164 on i386 (skb only)',
  },
  inflight: { kind: 'int', default: 64, min: 1, doc: 'live buffers before the consumer frees the oldest' },
} as const satisfies ParamSpecs;

export const PRODUCER_CONSUMER_DEFAULT_OPS = 100000;

/**
 * Data bytes `__alloc_skb` asks for when a driver calls dev_alloc_skb(len) on Linux
 * 2.6.18: SKB_DATA_ALIGN(len + NET_SKB_PAD) + sizeof(struct skb_shared_info).
 * E.g. 1540 -> 1600 + 312 = 1912 with 64-byte lines on x86_64.
 */
export function skbDataBytes(len: number, line = 64, shinfo = 312, pad = 16): number {
  return Math.ceil((len + pad) / line) * line + shinfo;
}

/**
 * Map one uniform draw u in [0, 1) to a packet size. Listed sizes take their
 * share of [0, 1) in order; the rest (if any) is spread uniformly over rest.lo..rest.hi.
 */
export function samplePacketSize(dist: PacketSizeDistribution, u: number): number {
  const listed = dist.rest ? 1 : dist.shares.reduce((a, b) => a + b, 0);
  // Without a `rest`, shares are normalised to sum to 1.
  let acc = 0;
  for (let k = 0; k < dist.sizes.length; k++) {
    acc += dist.shares[k] / listed;
    if (u < acc) return dist.sizes[k];
  }
  if (!dist.rest) return dist.sizes[dist.sizes.length - 1];
  const v = (u - acc) / (1 - acc);
  const span = dist.rest.hi - dist.rest.lo + 1;
  return Math.min(dist.rest.hi, dist.rest.lo + Math.floor(v * span));
}

/**
 * Each op draws exactly one u (the packet size of an alloc; discarded by a free).
 * While fewer than `inflight` buffers are live the op allocates on CPU 0; otherwise
 * it frees the oldest live buffer on the next consumer CPU (1, 2, ..., cpus-1, 1, ...).
 * With cpus === 1 everything runs on CPU 0. Only successful allocations (per
 * result()) are queued, so a failed one is never freed.
 */
export function createProducerConsumer(params: ParamsInput = {}): Workload {
  const p = resolveParams('producer-consumer', PRODUCER_CONSUMER_PARAMS, params);
  const dist = PACKET_SIZE_DISTRIBUTIONS[p.sizes];
  const rng = new Rng(p.seed);
  const limit = opBudget(p.ops, PRODUCER_CONSUMER_DEFAULT_OPS);
  const queue = new IdFifo();
  const consumers = p.cpus - 1;
  let index = 0;
  let nextId = 0;
  let frees = 0;
  return {
    name: 'producer-consumer',
    next(): Op | null {
      if (index >= limit) return null;
      const u = rng.nextFloat();
      index++;
      if (queue.size >= p.inflight) {
        const cpu = consumers > 0 ? 1 + (frees % consumers) : 0;
        frees++;
        return { kind: 'free', cpu, id: queue.shift(), bytes: 0 };
      }
      const len = samplePacketSize(dist, u);
      const bytes = p.skb ? skbDataBytes(len, p.line, p.shinfo, p.pad) : len;
      return { kind: 'alloc', cpu: 0, id: nextId++, bytes };
    },
    result(op: Op, outcome: number): void {
      if (op.kind === 'alloc' && outcome >= 0) queue.push(op.id);
    },
    annotate: () => ({ inflight: queue.size }),
  };
}
