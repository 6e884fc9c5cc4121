/** What the CLI prints: a run's results as text or JSON, and the workload list. */
import { computeMetrics, freeHistogram, requestIndices, METRIC_DEFINITIONS, type Metrics } from '../core/metrics';
import { fragmentationPct, type CallerRow } from '../import/callers';
import type { FailureLog } from '../core/records';
import { explanationJson, type FailureExplanation } from '../core/explain';
import { errorName, type Allocator } from '../core/types';
import type { RemoteFrees } from '../runtime/run-headless';
import { COMMON_PARAMS, WORKLOADS, workloadNames } from '../workloads/generators';
import { paramRows } from '../workloads/params';
import type { RunArgs } from './args';
import { SEED_2006_FAILURES } from '../workloads/generators';

export interface LaneResult {
  name: string;
  allocator: Allocator;
  /** Every failed allocation counted, a sample kept (core/records.ts). */
  failures: FailureLog;
  /** Explanations of the first failures by op index (inline runs with --json; runtime/lane.ts). */
  explained?: ReadonlyMap<number, FailureExplanation>;
  ops: number;
  /** Frees, maps and unmaps the allocator rejected; and those skipped because their allocation had failed. */
  errors: number;
  skipped: number;
  /** Page-level trace events this lane's allocator does not model (it has no page allocator). */
  unmodelled: number;
  /** Free-running workers: remote frees each CPU pushed, and drained as owner (during the run and at the end). */
  remote?: RemoteFrees | null;
}

const pct = (x: number) => (100 * x).toFixed(2) + '%';
const kib = (x: number) => (x / 1024).toFixed(1) + ' KiB';

export function printText(a: RunArgs, results: LaneResult[]): void {
  console.log(
    `workload ${a.workload}, seed ${a.seed}, cpus ${a.cpus}, ${a.threads}${a.threads === 'workers' ? ' ' + a.schedule : ''}`,
  );
  for (const r of results) {
    const m = computeMetrics(r.allocator);
    console.log(`\n${r.allocator.label}: ${r.ops} ops, ${r.failures.count} failed allocations`);
    for (const f of r.failures.head(20)) {
      console.log(
        `  op ${f.op}: ${f.bytes} B on cpu ${f.cpu} failed (${errorName(f.code)})${f.max !== undefined ? `, MAX ${f.max}` : ''}, utilisation ${pct(f.utilisation)}`,
      );
    }
    if (r.failures.count > 20) console.log(`  ... ${r.failures.count - 20} more`);
    if (r.errors) console.log(`  ${r.errors} frees, maps or unmaps rejected by the allocator`);
    if (r.skipped) console.log(`  ${r.skipped} frees, maps or unmaps skipped: their allocation had failed`);
    if (r.unmodelled)
      console.log(`  ${r.unmodelled} page-level events not modelled: this allocator has no page allocator`);
    if (r.remote) {
      const { pushed, drained, drainedAtEnd } = r.remote;
      pushed.forEach((p, cpu) =>
        console.log(
          `  cpu ${cpu}: pushed ${p} B of remote frees to their owners; as owner drained ${drained[cpu]} B (${drainedAtEnd[cpu]} B of it in the final quiescent drain)`,
        ),
      );
    }
    if (a.workload === 'seed-fragmentation' && r.allocator.label === 'NTA (blog)')
      console.log(`  the seed's NTA failures (2006): ${SEED_2006_FAILURES.map((f) => f.bytes).join(', ')} B`);
    const rows: [keyof Metrics, string][] = [
      ['requestedBytes', kib(m.requestedBytes)],
      ['allocatedBytes', kib(m.allocatedBytes)],
      ['heldBytes', kib(m.heldBytes)],
      ['freeBytes', kib(m.freeBytes)],
      ['largestFreeBytes', `${m.largestFreeBytes} B`],
      ['internalFragmentation', pct(m.internalFragmentation)],
      ['externalFragmentation', pct(m.externalFragmentation)],
      ['utilisation', pct(m.utilisation)],
      ['pendingBytes', `${m.pendingBytes} B`],
    ];
    for (const [k, v] of rows)
      console.log(`  ${k.padEnd(22)} ${v.padStart(12)}   ${METRIC_DEFINITIONS[k].split(':')[0]}`);
    for (const req of a.requests) {
      const x = requestIndices(r.allocator.freeSummary(), req);
      console.log(
        `  request ${req} B: unusable index ${x.unusable.toFixed(3)}, fragmentation index ${x.fragmentation.toFixed(3)}`,
      );
    }
  }
}

/** A failure's explanation fields (core/explain.ts), when it was explained. */
function explainedJson(e: FailureExplanation | undefined) {
  return e ? { explanation: explanationJson(e) } : {};
}

export function toJson(results: LaneResult[], requests: number[]) {
  return {
    allocators: results.map((r) => {
      const blocks = r.allocator.freeSummary();
      const m = computeMetrics(r.allocator, blocks);
      return {
        name: r.name,
        label: r.allocator.label,
        ops: r.ops,
        failureCount: r.failures.count,
        /** The first and the last failures (all of them when there are few; core/records.ts). */
        failures: r.failures.list().map((f) => ({
          op: f.op,
          bytes: f.bytes,
          ...(f.max !== undefined ? { max: f.max } : {}),
          cpu: f.cpu,
          reason: errorName(f.code),
          largestFree: f.largest,
          utilisation: f.utilisation,
          ...explainedJson(r.explained?.get(f.op)),
        })),
        errors: r.errors,
        skipped: r.skipped,
        unmodelled: r.unmodelled,
        metrics: m,
        /** Free blocks by size: [bytes, count], sorted by size. */
        freeHistogram: freeHistogram(blocks),
        ...(requests.length
          ? { requestIndices: Object.fromEntries(requests.map((q) => [q, requestIndices(blocks, q)])) }
          : {}),
        ...(r.remote ? { remoteFrees: r.remote } : {}),
      };
    }),
  };
}

/**
 * `workloads`: each workload's description, then one parameter a line in aligned
 * columns (name, values, default, doc), the same columns for every workload.
 */
export function formatWorkloads(): string {
  const names = workloadNames();
  const rows = names.map((n) => paramRows(WORKLOADS[n].params));
  const width = (f: (r: ReturnType<typeof paramRows>[number]) => string) =>
    Math.max(0, ...rows.flat().map((r) => f(r).length));
  const wName = width((r) => r.name);
  const wValues = width((r) => r.values);
  const wDefault = width((r) => `default ${r.default}`);
  const out: string[] = [];
  names.forEach((n, i) => {
    out.push(`${n}: ${WORKLOADS[n].description}`);
    if (rows[i].length === 0) out.push('  (no parameters)');
    for (const r of rows[i])
      out.push(
        `  ${r.name.padEnd(wName)}  ${r.values.padEnd(wValues)}  ${`default ${r.default}`.padEnd(wDefault)}  ${r.doc}`,
      );
    out.push('');
  });
  out.push(
    `Give them as --param NAME=VALUE. Every workload also takes ${Object.keys(COMMON_PARAMS)
      .map((k) => `--${k}`)
      .join(', ')} (flags, not --param).`,
  );
  return out.join('\n');
}

/**
 * The `--callers` table: per call site, as `perf kmem stat --caller` prints it (allocations,
 * frees, bytes requested, bytes handed out and fragmentation, cross-CPU frees), with the
 * traced allocator's bytes (kmem bytes_alloc) and each allocator under comparison.
 */
export function formatCallers(rows: readonly CallerRow[], names: readonly string[], sites: number): string {
  const head = [
    'call site',
    'allocs',
    'frees',
    'req bytes',
    'traced bytes',
    'frag',
    ...names.flatMap((n) => [`${n} bytes`, `${n} frag`, `${n} fail`]),
    'x-cpu frees',
  ];
  const pct = (req: number, got: number) => (got > 0 ? `${fragmentationPct(req, got).toFixed(2)}%` : '-');
  const body = rows.map((r) => [
    r.site.length > 40 ? `${r.site.slice(0, 37)}...` : r.site,
    String(r.allocations),
    String(r.frees),
    String(r.bytesRequested),
    r.tracedBytes ? String(r.tracedBytes) : '-',
    pct(r.bytesRequested, r.tracedBytes),
    ...r.lanes.flatMap((l) => [String(l.handedOut), pct(l.requestedServed, l.handedOut), String(l.failed)]),
    String(r.crossCpuFrees),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  const title = `call sites: the ${rows.length} of ${sites} with the most bytes requested (frag = 100 - 100 * requested / handed out; x-cpu frees: freed on another CPU)`;
  return [title, line(head), ...body.map(line)].join('\n');
}
