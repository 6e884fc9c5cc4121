/**
 * producer-consumer: network receive buffers. CPU 0 allocates (the NIC's receive
 * path), the consumers on CPUs 1..cpus-1 free them a little later: the case the
 * NTA's remote-free lists exist for. Sizes come from a packet size distribution
 * (engine/data/packet-sizes.ts), optionally turned into Linux 2.6.18 skb data
 * sizes (docs/models.md section 4; the sizing lives in skb.ts).
 */
import { PACKET_SIZE_DISTRIBUTIONS } from '../data/packet-sizes';
import { resolveParams, type ParamSpecs, type ParamsInput } from './params';
import { K_ALLOC, K_FREE, type OpBuffer } from '../core/op-buffer';
import { Rng, type RngState } from './rng';
import { SlotFifo, SlotPool, opBudget } from './support';
import { samplePacketSize, skbDataBytes } from './skb';
import type { OpStream } from './types';

export const PRODUCER_CONSUMER_PARAMS = {
  sizes: {
    kind: 'enum',
    default: 'imix',
    values: Object.keys(PACKET_SIZE_DISTRIBUTIONS),
    doc: "packet sizes: 'imix' = Simple IMIX 40/576/1500 IP bytes 7:4:1; 'imix-eth' = the same as Ethernet frames 64/594/1518; 'fixwest' = FIX-West 1996 measured IP sizes; 'fddi1996' = a transit FDDI ring, Aug 1996",
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

interface PcState {
  rng: RngState;
  queue: Int32Array;
  slots: ReturnType<SlotPool['save']>;
  index: number;
  frees: number;
}

/**
 * Each op draws exactly one u (the packet size of an alloc; discarded by a free).
 * While fewer than `inflight` buffers are queued the op allocates on CPU 0; otherwise
 * it frees the oldest queued buffer on the next consumer CPU (1, 2, ..., cpus-1, 1, ...).
 * With cpus === 1 everything runs on CPU 0. A stream does not see outcomes: a buffer
 * whose allocation failed in some allocator is still queued (a NIC ring slot left
 * empty), and that allocator skips its free.
 */
export function createProducerConsumer(params: ParamsInput = {}): OpStream {
  const p = resolveParams('producer-consumer', PRODUCER_CONSUMER_PARAMS, params);
  const dist = PACKET_SIZE_DISTRIBUTIONS[p.sizes];
  const rng = new Rng(p.seed);
  const limit = opBudget(p.ops, PRODUCER_CONSUMER_DEFAULT_OPS);
  const queue = new SlotFifo();
  const slots = new SlotPool();
  const consumers = p.cpus - 1;
  let index = 0;
  let frees = 0;
  return {
    name: 'producer-consumer',
    kind: 'stream',
    produce(out: OpBuffer, n: number): number {
      let made = 0;
      for (; made < n && index < limit; made++) {
        const u = rng.nextFloat();
        index++;
        if (queue.size >= p.inflight) {
          const cpu = consumers > 0 ? 1 + (frees % consumers) : 0;
          frees++;
          const slot = queue.shift();
          out.push(K_FREE, cpu, slot);
          slots.release(slot);
        } else {
          const len = samplePacketSize(dist, u);
          const slot = slots.take();
          queue.push(slot);
          out.push(K_ALLOC, 0, slot, p.skb ? skbDataBytes(len, p.line, p.shinfo, p.pad) : len);
        }
      }
      return made;
    },
    save: (): PcState => ({ rng: rng.getState(), queue: queue.save(), slots: slots.save(), index, frees }),
    restore(state: unknown): void {
      const s = state as PcState;
      rng.setState(s.rng);
      queue.restore(s.queue);
      slots.restore(s.slots);
      index = s.index;
      frees = s.frees;
    },
  };
}
