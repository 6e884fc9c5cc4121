/**
 * Linux kernel slab events from ftrace (`/sys/kernel/tracing/trace`, `trace-cmd
 * report`) or `perf script` (`perf record -e kmem:kmalloc -e kmem:kfree ...`):
 *
 *   # tracer: nop                                                        comments: ignored
 *   init-1 [000] .N.. 0.150000: kmalloc: call_site=c104dd2f ptr=c147dd20 bytes_req=29 bytes_alloc=32 gfp_flags=GFP_KERNEL
 *   kworker/1:2-87 [001] d..1. 12.5: kmem_cache_alloc: call_site=__alloc_skb+0x7c/0x1f0 ptr=000000004d5ae7c1 bytes_req=232 bytes_alloc=256 gfp_flags=GFP_ATOMIC node=-1 accounted=false
 *   swapper 0 [002] 12.6: kmem:kfree: call_site=skb_release_data+0x1a0/0x1f0 ptr=0x4d5ae7c1      (perf script)
 *
 * Allocs: kmalloc, kmalloc_node, kmem_cache_alloc, kmem_cache_alloc_node (replayed
 * with `bytes_req`); frees: kfree, kmem_cache_free (matched by `ptr`; `name=` and
 * other new fields are ignored). Other events (mm_page_alloc, sched_switch, ...)
 * and `CPU:N [LOST M EVENTS]` lines are skipped.
 *
 * CPU: an op runs on the CPU in the `[NNN]` field, so a free on another CPU than its
 * alloc is a remote free. Nothing is clamped: when `cpus` is given, an event on CPU
 * >= cpus is a ParseError naming the first such line and suggesting `--cpus N` with
 * N one more than the highest CPU in the whole trace.
 *
 * Tracing starts and stops mid-run, and events get lost, so:
 * - a free of a pointer not allocated in the trace is skipped and counted
 *   (`skippedFrees`): objects allocated before tracing began are freed all the time;
 * - an alloc at a pointer that is still live frees the old object first and is
 *   counted (`implicitFrees`): its free was not traced (lost event, bulk free);
 * - `ptr=(null)` / `ptr=0` (a failed alloc, kfree(NULL)) is skipped, and so is
 *   `bytes_req=0` (kmalloc(0) returns ZERO_SIZE_PTR, whose kfree is a no-op and is
 *   then a skipped free).
 * Ids are dense in order of allocation. Pointers are only compared, so hashed
 * (`%p`) pointers work.
 */
import { ParseError, excerpt, splitLines } from './parse-error';
import type { FormatEvidence } from './trace-detect';
import type { Op } from './types';

/** `TASK-PID [CPU] FLAGS? TIMESTAMP: [kmem:]EVENT: FIELDS`; TASK may contain spaces. */
const EVENT = /^(.*?)\[(\d+)\]\s+(?:\S+\s+)?(\d+(?:\.\d+)?):\s+(?:(\w+):)?(\w+):\s*(.*)$/;
const LOST = /^CPU:\s*\d+ \[LOST \d+ EVENTS\]$/;
const ALLOCS = new Set(['kmalloc', 'kmalloc_node', 'kmem_cache_alloc', 'kmem_cache_alloc_node']);
const FREES = new Set(['kfree', 'kmem_cache_free']);
const FIELD = /(\w+)=(\S+)/g;

export interface FtraceParse {
  ops: Op[];
  /** Frees of pointers not allocated in the trace (allocated before tracing began). */
  skippedFrees: number;
  /** Allocs at a pointer still live: the old object's free was not traced and is implied. */
  implicitFrees: number;
}

/** Canonical pointer key: lower case, no 0x, no leading zeros; null for NULL. */
function pointerKey(text: string): string | null {
  if (text === '(null)') return null;
  const k = text.toLowerCase().replace(/^0x/, '').replace(/^0+/, '');
  return k === '' ? null : k;
}

/** Events: kmem alloc and free lines; others: any other event line (sched_switch, ...) and lost-event notes. */
export function sniffFtrace(lines: readonly string[]): FormatEvidence {
  let events = 0;
  let others = 0;
  for (const l of lines) {
    const m = EVENT.exec(l);
    if (m !== null && (m[4] === undefined || m[4] === 'kmem') && (ALLOCS.has(m[5]) || FREES.has(m[5]))) events++;
    else if (m !== null || LOST.test(l)) others++;
  }
  return { events, others };
}

/**
 * Parse ftrace / perf script kmem events in TEXT (`fileName` for messages only).
 * When `cpus` is given, every event needs CPU < cpus.
 */
export function parseFtrace(text: string, fileName: string, cpus?: number): FtraceParse {
  const ops: Op[] = [];
  const live = new Map<string, number>();
  let nextId = 0;
  let skippedFrees = 0;
  let implicitFrees = 0;
  let sawEvent = false;
  /** The first event on a CPU >= cpus: reported after the whole file, with the highest CPU used. */
  let tooHigh: { line: number; cpu: number; got: string } | null = null;
  let maxCpu = 0;
  const lines = splitLines(text);
  for (let k = 0; k < lines.length; k++) {
    const body = lines[k].trim();
    if (body === '' || body.startsWith('#') || LOST.test(body)) continue;
    const lineNo = k + 1;
    const got = `got '${excerpt(body)}'`;
    const fail = (detail: string): ParseError => new ParseError(fileName, lineNo, detail);
    const m = EVENT.exec(body);
    if (m === null) {
      throw fail(`expected an ftrace event line 'TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS', ${got}`);
    }
    sawEvent = true;
    const event = m[5];
    const isAlloc = ALLOCS.has(event);
    if ((m[4] !== undefined && m[4] !== 'kmem') || (!isAlloc && !FREES.has(event))) continue;
    const cpu = Number(m[2]);
    if (cpus !== undefined && cpu >= cpus && tooHigh === null) tooHigh = { line: lineNo, cpu, got };
    maxCpu = Math.max(maxCpu, cpu);
    const fields = new Map<string, string>();
    for (const f of m[6].matchAll(FIELD)) fields.set(f[1], f[2]);
    const ptrText = fields.get('ptr');
    if (ptrText === undefined || !/^((0x)?[0-9a-fA-F]+|\(null\))$/.test(ptrText)) {
      throw fail(`expected ${event} with 'ptr=HEX' or 'ptr=(null)', ${got}`);
    }
    const ptr = pointerKey(ptrText);
    if (!isAlloc) {
      if (ptr === null) continue;
      const id = live.get(ptr);
      if (id === undefined) {
        skippedFrees++;
        continue;
      }
      live.delete(ptr);
      ops.push({ kind: 'free', cpu, id, bytes: 0 });
      continue;
    }
    const reqText = fields.get('bytes_req');
    const bytes = reqText !== undefined && /^\d+$/.test(reqText) ? Number(reqText) : NaN;
    if (!Number.isSafeInteger(bytes)) {
      throw fail(`expected ${event} with 'bytes_req=N' (N a non-negative integer below 2^53), ${got}`);
    }
    if (ptr === null || bytes === 0) continue;
    const old = live.get(ptr);
    if (old !== undefined) {
      implicitFrees++;
      ops.push({ kind: 'free', cpu, id: old, bytes: 0 });
    }
    live.set(ptr, nextId);
    ops.push({ kind: 'alloc', cpu, id: nextId++, bytes });
  }
  if (tooHigh !== null) {
    const there = cpus === 1 ? 'is 1 CPU' : `are ${cpus} CPUs`;
    throw new ParseError(
      fileName,
      tooHigh.line,
      `event on CPU ${tooHigh.cpu}, but there ${there}: the trace uses CPUs 0 to ${maxCpu}, run with --cpus ${maxCpu + 1}, ${tooHigh.got}`,
    );
  }
  if (ops.length === 0) {
    throw new ParseError(
      fileName,
      1,
      sawEvent
        ? 'expected kmalloc / kmem_cache_alloc events, found none: enable the kmem events (events/kmem/enable) before tracing'
        : "expected ftrace kmem events ('TASK-PID [CPU] TIMESTAMP: kmalloc: ...'), found none",
    );
  }
  return { ops, skippedFrees, implicitFrees };
}
