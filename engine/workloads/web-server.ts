/**
 * web-server: the shape of the seed's benchmark (an epoll web server under httperf, blog
 * 9 Aug 2006): keep-alive connections of many short requests. A request skb comes in on
 * the RX CPU (through the e1000 ring, rx-ring.ts), the worker CPU owning the connection
 * reads it (frees it) and allocates the response's segments, and TX completion frees them
 * on `txCpu`. (A single-queue e1000 cleans TX in the same NAPI poll as RX: txCpu = rxCpu.)
 *
 * Our choices, none given by the seed: `connections` clients each send the next request as
 * soon as the previous response has left (httperf's closed loop, no think time); a connection
 * closes after `requests` requests and a new one opens on the next worker; a worker CPU
 * serves one connection event per tick; the NIC sends one segment per tick. Requests are
 * `request` bytes of payload; responses follow the SPECweb96 file mix (engine/data/web-sizes.ts)
 * or are all `response` bytes. A worker queues at most `sndbuf` bytes of segments per connection
 * and continues when TX completion makes room. Segments (the 2.6.18 tcp_sendmsg path of a
 * device without scatter-gather, whose payload NTA served): one linear skb of mss +
 * MAX_TCP_HEADER bytes each; 6.6 (tcp_stream_alloc_skb with no linear data): a MAX_TCP_HEADER
 * head plus the payload as a page fragment, issued as its own allocation.
 */
import type { OpBuffer } from '../core/op-buffer';
import { sampleWebSize } from '../data/web-sizes';
import { NET_PARAMS, NetOps, checkCpu, produceTicks, wireBusy } from './net-sim';
import { resolveParams, type ParamSpecs, type ParamsInput } from './params';
import { Rng, type RngState } from './rng';
import { RxRing, copybreakBytes, rxPlan, type RingState } from './rx-ring';
import { ETH_MIN_FRAME, ETH_OVERHEAD, TCP_IP_HEADERS, allocSkbData, skbEra, type SkbEra } from './skb';
import { SlotFifo, opBudget } from './support';
import type { OpStream } from './types';

export const WEB_SERVER_PARAMS = {
  ...NET_PARAMS,
  txCpu: {
    kind: 'int',
    default: -1,
    min: -1,
    max: 63,
    doc: 'the CPU whose TX completion frees the responses; -1 = rxCpu + 2 (mod cpus)',
  },
  connections: {
    kind: 'int',
    default: 64,
    min: 1,
    max: 4096,
    doc: 'keep-alive connections open at once; each client sends its next request when the response has left (our choice)',
  },
  requests: { kind: 'int', default: 10, min: 1, max: 1000000, doc: 'requests per connection before it closes' },
  request: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 512,
    doc: 'HTTP request payload bytes, one segment (our choice: a short GET as httperf sends)',
  },
  response: {
    kind: 'int',
    default: 0,
    min: 0,
    max: 16 * 1024 * 1024,
    doc: 'response bytes; 0 = the SPECweb96 file mix (35% < 1 KB, 50% < 10 KB, 14% < 100 KB, 1% < 1 MB)',
  },
  sndbuf: {
    kind: 'int',
    default: 16384,
    min: 1024,
    max: 64 * 1024 * 1024,
    doc: "bytes of segments a connection may have queued for TX (16384 = tcp_wmem's default)",
  },
  txHeader: {
    kind: 'int',
    default: 160,
    min: 0,
    max: 1024,
    doc: 'MAX_TCP_HEADER = 128 + MAX_HEADER (160 without AX.25, token ring, WLAN or IP tunnels)',
  },
} as const satisfies ParamSpecs;

export const WEB_SERVER_DEFAULT_OPS = 200000;

/** The allocations of one response segment carrying `payload` bytes. */
export function segmentAllocs(payload: number, mss: number, txHeader: number, era: SkbEra): number[] {
  if (era.kernel === '2.6.18') return [allocSkbData(mss + txHeader, era)];
  return [allocSkbData(txHeader, era), payload];
}

/** The CPUs that run workers: all but the RX and TX CPUs, or all when none is left. */
export function workerCpus(cpus: number, rxCpu: number, txCpu: number): number[] {
  const all = Array.from({ length: cpus }, (_, c) => c);
  const rest = all.filter((c) => c !== rxCpu && c !== txCpu);
  return rest.length > 0 ? rest : all;
}

interface Conns {
  worker: Int32Array;
  served: Int32Array;
  /** Response bytes not yet allocated. */
  remaining: Float64Array;
  /** Bytes of allocated segments not yet completed. */
  sndQueued: Float64Array;
  outstanding: Int32Array;
  /** The request skb in the socket (-1 = none). */
  req: Int32Array;
  inRunq: Uint8Array;
}

interface WebState {
  rng: RngState;
  ops: ReturnType<NetOps['save']>;
  ring: RingState;
  conns: Conns;
  clients: Int32Array;
  pending: Int32Array;
  runq: Int32Array[];
  txq: Int32Array;
  opened: number;
  tick: number;
  index: number;
  started: boolean;
}

function copyConns(c: Conns): Conns {
  return {
    worker: c.worker.slice(),
    served: c.served.slice(),
    remaining: c.remaining.slice(),
    sndQueued: c.sndQueued.slice(),
    outstanding: c.outstanding.slice(),
    req: c.req.slice(),
    inRunq: c.inRunq.slice(),
  };
}

function fifoOf(items: Int32Array): SlotFifo {
  const f = new SlotFifo();
  f.restore(items);
  return f;
}

/** Each response draws one value (its size) when its request is read. */
export function createWebServer(params: ParamsInput = {}): OpStream {
  const p = resolveParams('web-server', WEB_SERVER_PARAMS, params);
  const rxCpu = checkCpu('web-server', 'rxCpu', p.rxCpu, p.cpus);
  const txCpu = checkCpu('web-server', 'txCpu', p.txCpu, p.cpus, (rxCpu + 2) % p.cpus);
  const workers = workerCpus(p.cpus, rxCpu, txCpu);
  const era = skbEra(p.era, p.line);
  const plan = rxPlan(p.mtu, era);
  const mss = p.mtu - TCP_IP_HEADERS;
  const reqFrame = Math.max(p.request + TCP_IP_HEADERS + ETH_OVERHEAD, ETH_MIN_FRAME);
  const reqCopy = copybreakBytes(reqFrame, p.copybreak, plan);
  const rng = new Rng(p.seed);
  const ops = new NetOps();
  const ring = new RxRing(p.ring, plan, rxCpu, ops);
  const run = { index: 0, limit: opBudget(p.ops, WEB_SERVER_DEFAULT_OPS) };
  const n = p.connections;
  let conns: Conns = {
    worker: Int32Array.from({ length: n }, (_, j) => workers[j % workers.length]),
    served: new Int32Array(n),
    remaining: new Float64Array(n),
    sndQueued: new Float64Array(n),
    outstanding: new Int32Array(n),
    req: new Int32Array(n).fill(-1),
    inRunq: new Uint8Array(n),
  };
  /** Connections whose client is about to send a request. */
  let clients = fifoOf(Int32Array.from({ length: n }, (_, j) => j));
  /** Requests the NIC wrote, by connection. */
  let pending = new SlotFifo();
  /** Per worker: connections with work, oldest first. */
  let runq = workers.map(() => new SlotFifo());
  /** Segments queued for the wire: [connection, charge, slot count, slots...]. */
  let txq = new SlotFifo();
  let opened = n;
  let tick = 0;
  let started = false;

  const wake = (j: number): void => {
    if (conns.inRunq[j]) return;
    conns.inRunq[j] = 1;
    runq[workers.indexOf(conns.worker[j])].push(j);
  };

  const napiPoll = (): void => {
    while (pending.size > 0) {
      const j = pending.shift();
      let skb: number;
      if (reqCopy > 0) {
        skb = ops.alloc(rxCpu, reqCopy);
        for (const s of ring.clean(1, p.recycle)) ops.free(rxCpu, s);
      } else skb = ring.clean(1, false)[0];
      conns.req[j] = skb;
      wake(j);
    }
    ring.endPoll();
  };

  /** The worker's event for connection j: read its request, then queue what sndbuf allows. */
  const serve = (j: number, cpu: number): void => {
    conns.inRunq[j] = 0;
    if (conns.req[j] >= 0) {
      ops.free(cpu, conns.req[j]);
      conns.req[j] = -1;
      conns.remaining[j] = p.response > 0 ? p.response : sampleWebSize(rng.nextFloat());
    }
    while (conns.remaining[j] > 0) {
      const payload = Math.min(mss, conns.remaining[j]);
      const sizes = segmentAllocs(payload, mss, p.txHeader, era);
      const charge = sizes.reduce((a, b) => a + b, 0);
      if (conns.sndQueued[j] > 0 && conns.sndQueued[j] + charge > p.sndbuf) return;
      txq.push(j);
      txq.push(charge);
      txq.push(sizes.length);
      for (const b of sizes) txq.push(ops.alloc(cpu, b));
      conns.sndQueued[j] += charge;
      conns.outstanding[j]++;
      conns.remaining[j] -= payload;
    }
  };

  /** The NIC sent the oldest segment: TX completion frees it; a finished response lets the client go on. */
  const transmit = (): void => {
    const j = txq.shift();
    conns.sndQueued[j] -= txq.shift();
    const k = txq.shift();
    for (let i = 0; i < k; i++) ops.free(txCpu, txq.shift());
    conns.outstanding[j]--;
    if (conns.remaining[j] > 0) {
      wake(j);
      return;
    }
    if (conns.outstanding[j] > 0) return;
    if (++conns.served[j] >= p.requests) {
      // Close; the client opens a new connection, which lands on the next worker.
      conns.served[j] = 0;
      conns.worker[j] = workers[opened++ % workers.length];
    }
    clients.push(j);
  };

  const step = (): void => {
    if (!started) {
      started = true;
      ring.start();
      return;
    }
    const t = tick++;
    if (wireBusy(t, p.burst, p.idle) && clients.size > 0 && ring.receive(1)) pending.push(clients.shift());
    if (t % p.poll === p.poll - 1) napiPoll();
    workers.forEach((cpu, w) => {
      if (runq[w].size > 0) serve(runq[w].shift(), cpu);
    });
    if (txq.size > 0) transmit();
  };

  return {
    name: 'web-server',
    kind: 'stream',
    produce: (out: OpBuffer, k: number): number => produceTicks(ops, out, k, run, step),
    save: (): WebState => ({
      rng: rng.getState(),
      ops: ops.save(),
      ring: ring.save(),
      conns: copyConns(conns),
      clients: clients.save(),
      pending: pending.save(),
      runq: runq.map((q) => q.save()),
      txq: txq.save(),
      opened,
      tick,
      index: run.index,
      started,
    }),
    restore(state: unknown): void {
      const s = state as WebState;
      rng.setState(s.rng);
      ops.restore(s.ops);
      ring.restore(s.ring);
      conns = copyConns(s.conns);
      clients = fifoOf(s.clients);
      pending = fifoOf(s.pending);
      runq = s.runq.map(fifoOf);
      txq = fifoOf(s.txq);
      ({ opened, tick, started } = s);
      run.index = s.index;
    },
  };
}
