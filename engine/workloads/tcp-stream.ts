/**
 * tcp-stream: one TCP connection's receive queue. The RX CPU receives segments through
 * the e1000 ring (rx-ring.ts) and queues each data skb on the socket; the application on
 * `appCpu` reads `read` bytes per call and frees every skb it has read to the end
 * (tcp_recvmsg), so skbs stay live until read. A segment without payload (a pure ACK) is
 * freed on the RX CPU as soon as TCP has seen it.
 *
 * Flow control: the sender sends a segment only if the queue, plus segments on their way,
 * plus that segment stays within `rcvbuf` bytes, so the queue never holds more than rcvbuf
 * at any op (a stalled sender waits and tries again next tick). Our choice: the queue is
 * charged the skb data bytes asked of the allocator (Linux charges truesize, which adds the
 * sk_buff head NTA did not serve). Short frames are copied out by the driver's copybreak
 * (e1000: a fresh small allocation, the big buffer kept in the ring or, with recycle=false,
 * freed at once); Linux has no TCP-level copybreak, the driver's is the one that applies.
 */
import type { OpBuffer } from '../core/op-buffer';
import { NET_PARAMS, NetOps, SIZES_PARAM, checkCpu, frameSampler, produceTicks, wireBusy } from './net-sim';
import { resolveParams, type ParamSpecs, type ParamsInput } from './params';
import { Rng, type RngState } from './rng';
import { RxRing, copybreakBytes, descsFor, rxPlan, type RingState, type RxPlan } from './rx-ring';
import { ETH_OVERHEAD, TCP_IP_HEADERS, skbEra } from './skb';
import { SlotFifo, opBudget } from './support';
import type { OpStream } from './types';

export const TCP_STREAM_PARAMS = {
  ...NET_PARAMS,
  ...SIZES_PARAM,
  appCpu: {
    kind: 'int',
    default: -1,
    min: -1,
    max: 63,
    doc: 'the CPU the reading application runs on; -1 = the CPU after rxCpu (rxCpu itself with one CPU)',
  },
  rcvbuf: {
    kind: 'int',
    default: 87380,
    min: 1024,
    max: 64 * 1024 * 1024,
    doc: "socket receive buffer in bytes of skb data (87380 = 2.6.18's tcp_rmem default); the queue never holds more",
  },
  read: {
    kind: 'int',
    default: 16384,
    min: 1,
    max: 16 * 1024 * 1024,
    doc: 'bytes the application asks for per read(); a read returns what is queued, up to this',
  },
  rate: {
    kind: 'number',
    default: 0.8,
    min: 0.01,
    max: 100,
    doc: "reader speed: it reads rate x a full segment's payload per tick (below 1 it is slower than the wire)",
  },
} as const satisfies ParamSpecs;

export const TCP_STREAM_DEFAULT_OPS = 200000;

export interface TcpStream extends OpStream {
  /** skb data bytes in the socket's receive queue. */
  readonly queueBytes: number;
  /** skbs in the socket's receive queue. */
  readonly queued: number;
  readonly rcvbuf: number;
}

interface TcpState {
  rng: RngState;
  ops: ReturnType<NetOps['save']>;
  ring: RingState;
  pending: Int32Array;
  queue: Int32Array;
  queued: number;
  queueBytes: number;
  payloadQueued: number;
  offset: number;
  inflight: number;
  next: number;
  credit: number;
  tick: number;
  index: number;
  started: boolean;
}

/** Bytes the receive queue is charged for a frame: its copybreak copy, or its ring buffers. */
export function chargeOf(frame: number, copybreak: number, plan: RxPlan): number {
  const copy = copybreakBytes(frame, copybreak, plan);
  return copy > 0 ? copy : descsFor(frame, plan) * plan.descBytes;
}

/** A segment's payload bytes (0 for a pure ACK). */
export const payloadOf = (frame: number): number => Math.max(0, frame - ETH_OVERHEAD - TCP_IP_HEADERS);

/** Each segment the sender builds draws one value (its size), kept while the sender waits. */
export function createTcpStream(params: ParamsInput = {}): TcpStream {
  const p = resolveParams('tcp-stream', TCP_STREAM_PARAMS, params);
  const rxCpu = checkCpu('tcp-stream', 'rxCpu', p.rxCpu, p.cpus);
  const appCpu = checkCpu('tcp-stream', 'appCpu', p.appCpu, p.cpus, (rxCpu + 1) % p.cpus);
  const plan = rxPlan(p.mtu, skbEra(p.era, p.line));
  const biggest = chargeOf(p.mtu + ETH_OVERHEAD, p.copybreak, plan);
  if (p.rcvbuf < biggest) {
    throw new Error(
      `workload 'tcp-stream': parameter 'rcvbuf' must hold one full-size skb (${biggest} bytes with mtu ${p.mtu} on ${p.era}), got ${p.rcvbuf}`,
    );
  }
  const frameOfU = frameSampler(p.sizes, p.mtu);
  const mss = p.mtu - TCP_IP_HEADERS;
  const rng = new Rng(p.seed);
  const ops = new NetOps();
  const ring = new RxRing(p.ring, plan, rxCpu, ops);
  const run = { index: 0, limit: opBudget(p.ops, TCP_STREAM_DEFAULT_OPS) };
  let pending = new SlotFifo();
  /** The socket's receive queue: per skb [payload, charge, slot count, slots...]. */
  let queue = new SlotFifo();
  let queued = 0;
  let queueBytes = 0;
  let payloadQueued = 0;
  /** Bytes of the head skb already read. */
  let offset = 0;
  /** Charges of segments sent and not yet queued. */
  let inflight = 0;
  /** The segment the sender holds (0 = none yet). */
  let next = 0;
  let credit = 0;
  let tick = 0;
  let started = false;

  const send = (): void => {
    if (next === 0) next = frameOfU(rng.nextFloat());
    const charge = payloadOf(next) > 0 ? chargeOf(next, p.copybreak, plan) : 0;
    if (queueBytes + inflight + charge > p.rcvbuf) return;
    if (!ring.receive(descsFor(next, plan))) return;
    pending.push(next);
    inflight += charge;
    next = 0;
  };

  const napiPoll = (): void => {
    while (pending.size > 0) {
      const frame = pending.shift();
      const d = descsFor(frame, plan);
      const copy = copybreakBytes(frame, p.copybreak, plan);
      let skb: number[];
      if (copy > 0) {
        skb = [ops.alloc(rxCpu, copy)];
        for (const s of ring.clean(d, p.recycle)) ops.free(rxCpu, s);
      } else skb = ring.clean(d, false);
      const payload = payloadOf(frame);
      if (payload === 0) {
        for (const s of skb) ops.free(rxCpu, s);
        continue;
      }
      const charge = chargeOf(frame, p.copybreak, plan);
      inflight -= charge;
      queue.push(payload);
      queue.push(charge);
      queue.push(skb.length);
      for (const s of skb) queue.push(s);
      queued++;
      queueBytes += charge;
      payloadQueued += payload;
    }
    ring.endPoll();
  };

  /** One read() of up to `want` bytes: frees every skb read to its end. */
  const readBytes = (want: number): number => {
    let got = 0;
    while (got < want && queued > 0) {
      const left = queue.peek() - offset;
      if (want - got < left) {
        offset += want - got;
        got = want;
        break;
      }
      got += left;
      queue.shift();
      queueBytes -= queue.shift();
      const n = queue.shift();
      for (let k = 0; k < n; k++) ops.free(appCpu, queue.shift());
      queued--;
      offset = 0;
    }
    payloadQueued -= got;
    return got;
  };

  /**
   * The application copies rate x mss bytes per tick: each read() returns what is queued, up
   * to `read` bytes and to the time it has (recv returns short reads rather than wait).
   */
  const reader = (): void => {
    credit += p.rate * mss;
    while (credit >= 1 && payloadQueued > 0) credit -= readBytes(Math.min(p.read, Math.floor(credit)));
    if (payloadQueued === 0) credit = Math.min(credit, mss);
  };

  const step = (): void => {
    if (!started) {
      started = true;
      ring.start();
      return;
    }
    const t = tick++;
    if (wireBusy(t, p.burst, p.idle)) send();
    if (t % p.poll === p.poll - 1) napiPoll();
    reader();
  };

  return {
    name: 'tcp-stream',
    kind: 'stream',
    rcvbuf: p.rcvbuf,
    get queueBytes() {
      return queueBytes;
    },
    get queued() {
      return queued;
    },
    produce: (out: OpBuffer, n: number): number => produceTicks(ops, out, n, run, step),
    save: (): TcpState => ({
      rng: rng.getState(),
      ops: ops.save(),
      ring: ring.save(),
      pending: pending.save(),
      queue: queue.save(),
      queued,
      queueBytes,
      payloadQueued,
      offset,
      inflight,
      next,
      credit,
      tick,
      index: run.index,
      started,
    }),
    restore(state: unknown): void {
      const s = state as TcpState;
      rng.setState(s.rng);
      ops.restore(s.ops);
      ring.restore(s.ring);
      pending = new SlotFifo();
      pending.restore(s.pending);
      queue = new SlotFifo();
      queue.restore(s.queue);
      ({ queued, queueBytes, payloadQueued, offset, inflight, next, credit, tick, started } = s);
      run.index = s.index;
    },
  };
}
