/**
 * `perf script` of a `perf record -e 'kmem:*' -a` run (with or without -g): perf prints
 * each event with its system, and with -g the call chain under it, a blank line after:
 *
 *   perf  4321 [002] 12345.678901: kmem:kmalloc: call_site=ffffffff8109b3b5 ptr=0xffff880036b7e000 bytes_req=8192 bytes_alloc=8192 gfp_flags=GFP_KERNEL
 *           ffffffff811b3e4d __kmalloc+0x17d ([kernel.kallsyms])                call chain: skipped
 *           ffffffff8109b3b5 alloc_pipe_info+0x25 ([kernel.kallsyms])
 *
 * Pointers come through libtraceevent's printf: `0x...`, and `(nil)` for NULL. The older
 * `perf trace` (before 2.6.37 it was what perf script is now) printed `COMM-PID [CPU]
 * SECS.NSECS: EVENT:` without the system: those files read as ftrace, with the same reader.
 * The lines are read by trace-kmem.ts; this module recognises perf by the system prefix.
 */
import type { FormatEvidence, TraceFormat } from './trace-detect';
import { kmemWindow, openKmemReader } from './trace-kmem';

export function sniffPerf(lines: readonly string[]): FormatEvidence {
  const w = kmemWindow(lines);
  if (w.traceCmdHeader > 0) return { events: 0, others: 0 };
  return { events: w.prefixed, others: w.otherPrefixed + w.callchain };
}

export const PERF: TraceFormat = {
  name: 'perf',
  label: 'perf script kmem events',
  description:
    "perf script of perf record -e 'kmem:*': COMM PID [CPU] TIMESTAMP: kmem:kmalloc: call_site=... ptr=0x... bytes_req=N ... (call chains under events are skipped)",
  sniff: sniffPerf,
  open: (sink) => openKmemReader(sink, 'perf'),
};
