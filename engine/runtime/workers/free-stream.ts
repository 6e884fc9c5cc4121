/**
 * Free-running with a stream per CPU: every simulated CPU c runs its own instance of
 * the workload (seed + c, one CPU, its share of a capacity parameter), all its ops on
 * c, as fast as its worker can go, racing the other CPUs wherever the allocator
 * shares state between them. A worker with several CPUs interleaves their streams
 * block by block. Failures are counted, with a bounded sample, per lane.
 *
 * `progress` publishes the ops run so far (the coordinator's watchdog watches it).
 * Failure op indices count within the failing CPU's own stream.
 */
import { OpBuffer } from '../../core/op-buffer';
import { FailureLog } from '../../core/records';
import { WORKLOADS, createWorkload, workloadParams } from '../../workloads/generators';
import type { AdaptiveWorkload } from '../../workloads/types';
import { Lane } from '../lane';
import { runAdaptive, runStream } from '../loop';
import { BLOCK_OPS } from '../source';
import { C_ABORT, type FreeRunMessage, type FreeRunReport } from './protocol';

/** A per-CPU stream gets its CPU's share of a capacity parameter (churn's capacityBytes). */
export function perCpuParams(
  workload: string,
  params: Record<string, number | string>,
  cpus: number,
): Record<string, number | string> {
  const spec = Object.hasOwn(WORKLOADS, workload) ? workloadParams(workload).capacityBytes : undefined;
  const cap = params.capacityBytes ?? spec?.default;
  return cap === undefined ? params : { ...params, capacityBytes: Math.floor(Number(cap) / cpus) };
}

/** An adaptive workload made for one CPU (its ops on CPU 0), run on CPU `cpu`. */
function onCpu(w: AdaptiveWorkload, cpu: number): AdaptiveWorkload {
  return {
    name: w.name,
    kind: 'adaptive',
    next() {
      const op = w.next();
      if (op) op.cpu = cpu;
      return op;
    },
    result: (r) => w.result(r),
    annotate: w.annotate && (() => w.annotate?.() ?? {}),
    save: () => w.save(),
    restore: (s) => w.restore(s),
  };
}

export function runFreeStream(
  m: FreeRunMessage,
  shared: readonly Lane[],
  cpus: number,
  ctrl: Int32Array,
  progress: (ops: number) => void,
): FreeRunReport {
  const params = { ...perCpuParams(m.workload, m.params, cpus), cpus: 1, ops: Math.ceil(m.ops / cpus) };
  const streams = m.cpus.map((cpu) => {
    const make = () => createWorkload(m.workload, { ...params, seed: m.seed + cpu });
    const w = make();
    const ops = OpBuffer.create({ ring: true, capacity: BLOCK_OPS, shared: false });
    ops.beginProducing();
    // Private slot tables (each CPU's stream names its own slots); an adaptive workload per lane.
    const lanes = shared.map((L, k) =>
      w.kind === 'stream'
        ? new Lane(L.allocator, null)
        : new Lane(L.allocator, onCpu((k === 0 ? w : make()) as AdaptiveWorkload, cpu)),
    );
    return { cpu, stream: w.kind === 'stream' ? w : null, ops, lanes, done: false, index: 0 };
  });
  const t0 = performance.now();
  let total = 0;
  for (let live = true; live;) {
    live = false;
    for (const s of streams) {
      if (s.done) continue;
      if (!s.stream) {
        const ran = runAdaptive(s.lanes, s.index, BLOCK_OPS, false);
        s.index += ran;
        total += ran;
        progress(total);
        if (ran < BLOCK_OPS) s.done = true;
        else live = true;
        continue;
      }
      const from = s.ops.produced;
      s.ops.setConsumed(from);
      s.ops.reserve(BLOCK_OPS);
      const made = s.stream.produce(s.ops, BLOCK_OPS);
      s.ops.publish();
      if (made === 0) {
        s.done = true;
        continue;
      }
      live = true;
      // The stream thinks it runs on CPU 0: its ops run on this CPU.
      s.ops.cpu.fill(s.cpu);
      for (const L of s.lanes) L.slots.ensure(s.ops.slots);
      runStream(s.lanes, s.ops, from, from + made, false);
      total += made;
      progress(total);
      if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('aborted');
    }
  }
  const elapsedMs = performance.now() - t0;
  return {
    ops: total,
    elapsedMs,
    lanes: shared.map((_, k) => {
      const failures = new FailureLog();
      let errors = 0;
      let skipped = 0;
      for (const s of streams) {
        const L = s.lanes[k];
        failures.merge(L.failures.save());
        errors += L.errors;
        skipped += L.skipped;
      }
      return { failures: failures.save(), errors, skipped };
    }),
  };
}
