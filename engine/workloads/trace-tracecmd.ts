/**
 * `trace-cmd report` of a `trace-cmd record -e kmem:...` run: a header, then ftrace's
 * event lines, the call site resolved by trace-cmd's kmem plugin in front of the fields
 * (libtraceevent plugins/plugin_kmem.c prints "(%s+0x%x) "):
 *
 *   version = 6                                                            header: skipped
 *   CPU 3 is empty
 *   cpus=4                                                                 the CPU count
 *       bash-2101  [001]  4432.616025: kmalloc:              (__alloc_skb+0x7c) call_site=ffffffff8158d0ec ptr=0xffff88003ae9c400 bytes_req=232 bytes_alloc=256 gfp_flags=GFP_KERNEL
 *
 * The lines are read by trace-kmem.ts; this module recognises the report by its header.
 */
import type { FormatEvidence, TraceFormat } from './trace-detect';
import { kmemWindow, openKmemReader } from './trace-kmem';

export function sniffTraceCmd(lines: readonly string[]): FormatEvidence {
  const w = kmemWindow(lines);
  if (w.traceCmdHeader === 0) return { events: 0, others: 0 };
  return { events: w.plain + w.prefixed, others: w.traceCmdHeader + w.otherPlain };
}

export const TRACE_CMD: TraceFormat = {
  name: 'trace-cmd',
  label: 'trace-cmd report',
  description:
    'trace-cmd report: version = N / cpus=N header, then TASK-PID [CPU] TIMESTAMP: kmalloc: (func+0x..) call_site=... ptr=P bytes_req=N ...',
  sniff: sniffTraceCmd,
  open: (sink) => openKmemReader(sink, 'trace-cmd'),
};
