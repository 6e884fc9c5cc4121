/**
 * Linux ftrace kmem events as the kernel prints them (`/sys/kernel/tracing/trace`, or
 * `/sys/kernel/debug/tracing/trace` on older kernels, and `trace_pipe`), every era from
 * 2.6.33 to 6.x:
 *
 *   # tracer: nop                                                        comments: skipped (#P:N = CPUs)
 *   init-1     [000] .N..  0.150000: kmalloc: call_site=c104dd2f ptr=c147dd20 bytes_req=29 bytes_alloc=32 gfp_flags=GFP_KERNEL
 *   bash-2101  [001] d..1. 12.5: kmem_cache_free: call_site=putname+0x47/0x50 ptr=00000000cef40c80 name=names_cache
 *   <idle>-0   [000] 2.1: kfree: call_site=c12e4a11 ptr=  (null)       (no irq-flags column; NULL padded)
 *
 * The lines themselves are read by trace-kmem.ts (shared with trace-cmd and perf). This
 * module tells ftrace's own text apart: event lines without a system prefix (perf prints
 * `kmem:kmalloc`) in a file without trace-cmd's `cpus=N` header.
 */
import type { FormatEvidence, TraceFormat } from './trace-detect';
import { kmemWindow, openKmemReader } from './trace-kmem';

export function sniffFtrace(lines: readonly string[]): FormatEvidence {
  const w = kmemWindow(lines);
  if (w.traceCmdHeader > 0) return { events: 0, others: 0 };
  return { events: w.plain, others: w.otherPlain + w.ftraceLines };
}

export const FTRACE: TraceFormat = {
  name: 'ftrace',
  label: 'Linux ftrace kmem events',
  description:
    'Linux ftrace kmem events (tracing/trace): TASK-PID [CPU] FLAGS TIMESTAMP: kmalloc: call_site=... ptr=P bytes_req=N bytes_alloc=M / kfree: ptr=P / mm_page_alloc / mm_page_free',
  sniff: sniffFtrace,
  open: (sink) => openKmemReader(sink, 'ftrace'),
};
