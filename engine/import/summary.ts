/**
 * The import summary: what a trace held, shown before anything replays (the CLI's text
 * and --json, the op log's header, the app). Plain data, so it travels as JSON.
 */
import { TRACE_OP_BYTES } from '../core/op-buffer';
import { SKIP_REASONS, S_UNREADABLE, type OpSink, type SkipReasonName, type UnreadableLine } from './sink';

/** One process of a trace that names them (valgrind --trace-children=yes): its own counts. */
export interface ProcessSummary {
  pid: number;
  /** The command valgrind names in its banner; null for a forked child before it execs. */
  command: string | null;
  /** The process whose heap a forked child started from (a copy of its live set), or null. */
  forkedFrom: number | null;
  allocations: number;
  frees: number;
  /** Bytes of every request (as traced; realloc's new sizes included). */
  bytesRequested: number;
  failedAllocations: number;
  unknownFrees: number;
  /** Frees of blocks the process inherited at its fork (the parent's copy stays live). */
  inheritedFrees: number;
}

export interface ImportSummary {
  file: string;
  format: string;
  /** Bytes (characters for text given as a string) and lines read. */
  bytes: number;
  lines: number;
  /** Lines (or, in valgrind logs, calls) that were allocation events and were read. */
  events: number;
  allocations: number;
  frees: number;
  reallocs: number;
  /** Requests the trace records as failed (the program got NULL). */
  failedAllocations: number;
  /** Frees of NULL (and kfree of ZERO_SIZE_PTR): no-ops. */
  nullFrees: number;
  /** Frees of pointers the trace never allocated (allocated before tracing began, or lost events). */
  unknownFrees: number;
  /** Frees the trace implies without recording them (an allocation at a live address, a heap replaced by exec). */
  impliedFrees: number;
  /** Frees of blocks a forked child inherited (valgrind): not replayed, the parent's block stays live. */
  inheritedFrees: number;
  /** kmalloc(0) requests (answered with ZERO_SIZE_PTR, nothing allocated): not replayed. */
  zeroSizeRequests: number;
  pageAllocations: number;
  pageFrees: number;
  /** Events the tracer says it lost (ftrace `[LOST N EVENTS]`). */
  lostEvents: number;
  ops: number;
  /** Bytes the packed op buffer takes for these ops. */
  opBufferBytes: number;
  /** The trace's CPU count: the larger of the count a header states and the highest CPU an event names + 1. */
  cpus: number;
  cpusStated: number;
  /** Time stamps of the first and last events (seconds), when the format has them. */
  timeSpan: { first: number; last: number } | null;
  processes: number;
  largestRequest: number;
  bytesRequested: number;
  callSites: number;
  caches: number;
  /** Lines skipped, by reason (unreadable lines included), in SKIP_REASONS order, non-zero only. */
  skipped: { reason: SkipReasonName; lines: number }[];
  unreadable: { count: number; first: UnreadableLine[] };
  /** Other things to know (a last line without its newline). */
  warnings: string[];
  processList?: ProcessSummary[];
}

/** The summary of what `sink` was given (the importer adds the format, byte and line counts). */
export function summarize(
  sink: OpSink,
  format: string,
  bytes: number,
  lines: number,
  warnings: string[],
  processList?: ProcessSummary[],
): ImportSummary {
  const used = sink.maxCpu + 1;
  const last = sink.lastTime;
  return {
    file: sink.fileName,
    format,
    bytes,
    lines,
    events: sink.events,
    allocations: sink.allocations,
    frees: sink.frees,
    reallocs: sink.reallocs,
    failedAllocations: sink.failedAllocations,
    nullFrees: sink.nullFrees,
    unknownFrees: sink.unknownFrees,
    impliedFrees: sink.impliedFrees,
    inheritedFrees: sink.inheritedFrees,
    zeroSizeRequests: sink.zeroSizeRequests,
    pageAllocations: sink.pageAllocations,
    pageFrees: sink.pageFrees,
    lostEvents: sink.lostEvents,
    ops: sink.opCount,
    opBufferBytes: sink.opCount * TRACE_OP_BYTES,
    cpus: Math.max(1, used, sink.cpusStated),
    cpusStated: sink.cpusStated,
    timeSpan: Number.isFinite(sink.firstTime) && Number.isFinite(last) ? { first: sink.firstTime, last } : null,
    processes: sink.pids.size,
    largestRequest: sink.largestRequest,
    bytesRequested: sink.bytesRequested,
    callSites: sink.sites.length - 1,
    caches: sink.caches.length - 1,
    skipped: SKIP_REASONS.map((reason, i) => ({ reason, lines: sink.skipped[i] })).filter((r) => r.lines > 0),
    unreadable: { count: sink.skipped[S_UNREADABLE], first: sink.unreadableSample.slice() },
    warnings,
    ...(processList ? { processList } : {}),
  };
}

const n = (x: number): string => x.toLocaleString('en');

function bytesText(b: number): string {
  if (b < 1024) return `${b} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = b;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]} (${n(b)} B)`;
}

/** The summary as text lines (the CLI prints them; the op log carries them as `# ` lines). */
export function formatSummary(s: ImportSummary): string[] {
  const out: string[] = [];
  out.push(`import: ${s.file} read as ${s.format}: ${n(s.lines)} lines, ${bytesText(s.bytes)}`);
  out.push(
    `  events ${n(s.events)}: ${n(s.allocations)} allocations, ${n(s.frees)} frees, ${n(s.reallocs)} reallocs` +
      (s.pageAllocations || s.pageFrees
        ? `, ${n(s.pageAllocations)} page allocations, ${n(s.pageFrees)} page frees`
        : ''),
  );
  out.push(
    `  NULL frees ${n(s.nullFrees)}, frees of unknown pointers ${n(s.unknownFrees)}, failed allocations in the trace ${n(s.failedAllocations)}`,
  );
  const more: string[] = [];
  if (s.impliedFrees)
    more.push(`implied frees ${n(s.impliedFrees)} (allocations at a live address, heaps replaced by exec)`);
  if (s.inheritedFrees) more.push(`frees of blocks inherited at fork ${n(s.inheritedFrees)} (not replayed)`);
  if (s.zeroSizeRequests) more.push(`zero-size requests ${n(s.zeroSizeRequests)} (not replayed)`);
  if (s.lostEvents) more.push(`events the tracer lost ${n(s.lostEvents)}`);
  if (more.length) out.push(`  ${more.join(', ')}`);
  const stated = s.cpusStated ? ` (the header says ${s.cpusStated})` : '';
  const where = [
    `cpus ${s.cpus}${stated}`,
    s.processes ? `processes ${n(s.processes)}` : '',
    s.timeSpan ? `time span ${(s.timeSpan.last - s.timeSpan.first).toFixed(6)} s` : '',
    `largest request ${bytesText(s.largestRequest)}`,
  ];
  out.push(`  ${where.filter(Boolean).join(', ')}`);
  out.push(
    `  ops ${n(s.ops)} (op buffer ${bytesText(s.opBufferBytes)}), call sites ${n(s.callSites)}, named caches ${n(s.caches)}`,
  );
  const skipped = s.skipped.reduce((t, r) => t + r.lines, 0);
  out.push(
    `  skipped lines ${n(skipped)}${skipped ? `: ${s.skipped.map((r) => `${r.reason} ${n(r.lines)}`).join(', ')}` : ''}`,
  );
  if (s.unreadable.count) {
    out.push(`  unreadable lines ${n(s.unreadable.count)} (skipped; --strict makes them errors), the first:`);
    for (const u of s.unreadable.first) out.push(`    line ${u.line}: ${u.why}: ${u.text}`);
  }
  for (const w of s.warnings) out.push(`  warning: ${w}`);
  if (s.processList && s.processList.length > 1) {
    for (const p of s.processList) {
      const what = p.command ?? `forked from ${p.forkedFrom ?? '?'}`;
      out.push(
        `  pid ${p.pid} (${what}): ${n(p.allocations)} allocations, ${n(p.frees)} frees, ${n(p.bytesRequested)} bytes requested`,
      );
    }
  }
  return out;
}
