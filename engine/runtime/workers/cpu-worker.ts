/**
 * A CPU worker (pure: no DOM, no Node imports; app/workers/cpu.worker.ts and
 * node/cpu-worker.ts only wire messages to `createCpuWorker`). It runs the ops of
 * the simulated CPUs c with c % workers === its index.
 *
 * Messages: 'init' attaches it to the run's shared memory (allocators, lanes, op
 * buffer; protocol.ts) and it answers 'ready'; 'serve' makes it serve lockstep
 * commands from shared memory until CMD_QUIT ('left'); 'free-run' runs its own
 * stream as fast as it can and reports ('free-done').
 */
import { createAllocator } from '../../allocators/registry';
import { OpBuffer } from '../../core/op-buffer';
import { Lane } from '../lane';
import { runFreeStream } from './free-stream';
import { Aborted, LaneRunner } from './lane-runner';
import {
  C_ABORT,
  C_CMD,
  C_DONE,
  C_FAILED,
  C_FROM,
  C_SEQ,
  C_TO,
  CMD_BATCH,
  CMD_QUIT,
  CMD_RESET,
  PROG_STRIDE,
  type FromWorker,
  type InitMessage,
  type ToWorker,
} from './protocol';

/** 'serve' carries the command sequence number as it was when sent: commands after it are new. */
export type WorkerMessage = ToWorker | { type: 'serve'; seq: number };
export type WorkerReply = FromWorker | { type: 'left'; index: number };

interface Attached {
  init: InitMessage;
  lanes: Lane[];
  runners: LaneRunner[];
  ctrl: Int32Array;
}

function attach(m: InitMessage): Attached {
  const ctrl = new Int32Array(m.ctrl);
  const prog = new Int32Array(m.prog);
  const groups = new Int32Array(m.groups);
  const lanes = m.specs.map(
    (spec, k) => new Lane(createAllocator(spec, m.cpus, m.buffers[k], false), null, m.lanes[k]),
  );
  const ops = m.ops ? new OpBuffer(m.ops) : null;
  const runners = ops
    ? lanes.map(
        (L, k) =>
          new LaneRunner(
            L,
            k,
            lanes.length,
            m.index,
            groups,
            m.cpus,
            ops,
            prog,
            ctrl,
            [batchViews(m, 0, k), batchViews(m, 1, k)],
            m.spin,
          ),
      )
    : [];
  return { init: m, lanes, runners, ctrl };
}

function batchViews(m: InitMessage, set: number, k: number) {
  const b = m.batch[set][k];
  return {
    out: new Float64Array(b.out),
    largest: new Float64Array(b.largest),
    held: new Float64Array(b.held),
    util: new Float64Array(b.util),
    info: new Int32Array(b.info),
  };
}

/** Serve commands after sequence number `seen` until CMD_QUIT. */
function serve(at: Attached, from: number): void {
  const { ctrl, runners } = at;
  let seen = from;
  for (;;) {
    Atomics.wait(ctrl, C_SEQ, seen);
    const seq = Atomics.load(ctrl, C_SEQ);
    if (seq === seen) continue;
    seen = seq;
    const cmd = Atomics.load(ctrl, C_CMD);
    try {
      if (cmd === CMD_BATCH) {
        const from = ctrl[C_FROM],
          to = ctrl[C_TO];
        for (const r of runners) r.run(from, to);
      } else if (cmd === CMD_RESET) {
        for (const r of runners) r.reset(ctrl[C_FROM]);
      }
    } catch (e) {
      if (!(e instanceof Aborted)) throw e;
    }
    Atomics.add(ctrl, C_DONE, 1);
    Atomics.notify(ctrl, C_DONE);
    if (cmd === CMD_QUIT) return;
  }
}

/** The worker's message handler; `post` sends to the coordinator. */
export function createCpuWorker(post: (m: WorkerReply) => void): (m: WorkerMessage) => void {
  let at: Attached | null = null;
  let index = -1;
  return (m) => {
    try {
      if (m.type === 'init') {
        index = m.index;
        at = attach(m);
        post({ type: 'ready', index });
      } else if (m.type === 'serve') {
        if (!at) throw new Error('serve before init');
        serve(at, m.seq);
        post({ type: 'left', index });
      } else if (m.type === 'free-run') {
        if (!at) throw new Error('free-run before init');
        const prog = new Int32Array(at.init.prog);
        const slot = at.init.index * at.lanes.length * PROG_STRIDE;
        const report = runFreeStream(m, at.lanes, at.init.cpus, at.ctrl, (ops) => Atomics.store(prog, slot, ops));
        post({ type: 'free-done', index, report });
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (at) {
        Atomics.store(at.ctrl, C_FAILED, index + 1);
        Atomics.store(at.ctrl, C_ABORT, 1);
        Atomics.notify(at.ctrl, C_DONE);
      }
      post({ type: 'error', index, message });
    }
  };
}
