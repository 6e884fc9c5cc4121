/**
 * Every trace format Fragscope reads, one module each (engine/workloads/trace-*.ts and
 * opfile.ts): this list is the one place that names them, in the order that breaks ties
 * when recognising a format (trace-detect.ts).
 */
import { OPFILE } from '../workloads/opfile';
import type { TraceFormat } from '../workloads/trace-detect';
import { FTRACE } from '../workloads/trace-ftrace';
import { MALLOCLAB } from '../workloads/trace-malloclab';
import { MTRACE } from '../workloads/trace-mtrace';
import { PERF } from '../workloads/trace-perf';
import { TRACE_CMD } from '../workloads/trace-tracecmd';
import { VALGRIND } from '../workloads/trace-valgrind';
import { WEE } from '../workloads/trace-wee';

/** Known formats; on equal evidence the earlier one wins (malloc-lab before the op file). */
export const TRACE_FORMATS: readonly TraceFormat[] = [
  WEE,
  VALGRIND,
  FTRACE,
  TRACE_CMD,
  PERF,
  MTRACE,
  MALLOCLAB,
  OPFILE,
];

/** The format names, in TRACE_FORMATS order (for `--format` and its usage text). */
export const TRACE_FORMAT_NAMES: readonly string[] = TRACE_FORMATS.map((f) => f.name);

export function formatNamed(name: string): TraceFormat | undefined {
  return TRACE_FORMATS.find((f) => f.name === name);
}
