/**
 * Linux kmem trace events as text, the part ftrace (`/sys/kernel/tracing/trace`),
 * `trace-cmd report` and `perf script` share: one event a line,
 *
 *   TASK-PID [CPU] FLAGS? TIMESTAMP: EVENT: FIELDS           ftrace, trace-cmd, old `perf trace`
 *   TASK-PID (TGID) [CPU] FLAGS TIMESTAMP: EVENT: FIELDS     ftrace with options/record-tgid
 *   COMM PID [CPU] TIMESTAMP: kmem:EVENT: FIELDS             perf script (event with its system)
 *
 * and FIELDS as the kernel's format strings print them (include/trace/events/kmem.h; the
 * formats of each era are cited in engine/data/traces/README.md and the fixtures):
 *   kmalloc, kmalloc_node, kmem_cache_alloc, kmem_cache_alloc_node:
 *     call_site=%lx (%pS since 5.4) ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s
 *     [node=%d (the _node events; every alloc since 6.x)] [accounted=%s (5.17+)] [name=%s (newest)]
 *   kfree, kmem_cache_free: call_site=... ptr=%p [name=%s (kmem_cache_free, 5.12+)]
 *   mm_page_alloc: page=%p pfn=%lu (0x%lx since 5.14) order=%d migratetype=%d gfp_flags=%s
 *   mm_page_free (mm_page_free_direct before 3.3): page=%p pfn=... order=%d
 *   mm_page_free_batched (mm_pagevec_free before 3.3): page=%p pfn=... order=0 [cold=%d]
 *
 * Replay: an alloc replays `bytes_req` on the event's CPU and keeps `bytes_alloc` and the
 * cache name on the op; a free is matched by `ptr` (so hashed pointers work); page events
 * become page-level ops (size = order), matched by pfn. `ptr` is NULL for a failed alloc
 * and for kfree(NULL), and kmalloc(0) answers ZERO_SIZE_PTR (nothing allocated; its kfree
 * is a no-op): both are counted, not replayed. A free of a pointer not allocated in the
 * trace (allocated before tracing began) is counted; an alloc at a pointer still live
 * implies the old object's free (a lost event).
 *
 * Other lines: `#` comments (their `#P:N` states the CPU count), other events, `<stack
 * trace>` events with their ` => func` lines, perf's call-chain lines under an event,
 * `CPU:N [LOST M EVENTS]`, and trace-cmd's `version = 6` / `cpus=N` / `CPU N is empty`
 * header lines are skipped and counted. A line naming a kmem event that cannot be read is
 * unreadable (a warning).
 */
import {
  S_BLANK,
  S_CALLCHAIN,
  S_COMMENT,
  S_HEADER,
  S_LOST,
  S_NOT_EVENT,
  S_OTHER_EVENT,
  S_STACK,
  type OpSink,
  type TraceReader,
} from '../import/sink';
import { decimal, fieldOf, isDigit, pointerKey } from '../import/text';
import { ParseError } from './parse-error';

/** What an event name means. */
export const EV_ALLOC = 1,
  EV_FREE = 2,
  EV_PAGE_ALLOC = 3,
  EV_PAGE_FREE = 4;
const EVENTS: ReadonlyMap<string, number> = new Map([
  ['kmalloc', EV_ALLOC],
  ['kmalloc_node', EV_ALLOC],
  ['kmem_cache_alloc', EV_ALLOC],
  ['kmem_cache_alloc_node', EV_ALLOC],
  ['kfree', EV_FREE],
  ['kmem_cache_free', EV_FREE],
  ['mm_page_alloc', EV_PAGE_ALLOC],
  ['mm_page_free', EV_PAGE_FREE],
  ['mm_page_free_direct', EV_PAGE_FREE],
  ['mm_page_free_batched', EV_PAGE_FREE],
  ['mm_pagevec_free', EV_PAGE_FREE],
]);

/** The cache of a kmem_cache_alloc that does not print `name=` (kernels before the newest). */
export const UNNAMED_CACHE = 'kmem_cache (unnamed)';

/** One parsed event line (reused: copy what you keep). */
export interface Head {
  cpu: number;
  pid: number;
  time: string;
  /** The event's system as printed (`kmem` in perf's `kmem:kmalloc`), '' when not printed. */
  system: string;
  event: string;
  /** The fields after `EVENT: `. */
  body: string;
}

export const newHead = (): Head => ({ cpu: 0, pid: -1, time: '', system: '', event: '', body: '' });

/** Parse an event line's head into `h`; false when the line is no event line. */
export function parseHead(l: string, h: Head): boolean {
  // [CPU]: the first bracketed number followed by a space (task names may hold anything else).
  let b = l.indexOf('[');
  let j = 0;
  let cpu = 0;
  for (; b >= 0; b = l.indexOf('[', b + 1)) {
    j = b + 1;
    cpu = 0;
    while (isDigit(l.charCodeAt(j))) cpu = cpu * 10 + l.charCodeAt(j++) - 48;
    if (j > b + 1 && l.charCodeAt(j) === 93 && l.charCodeAt(j + 1) === 32) break;
  }
  if (b < 0) return false;
  // TIMESTAMP: the token before the first ': ' after the CPU (FLAGS may come first).
  const colon = l.indexOf(': ', j + 1);
  if (colon < 0) return false;
  let ts = colon;
  while (ts > j + 1 && l.charCodeAt(ts - 1) !== 32) ts--;
  if (!isDigit(l.charCodeAt(ts))) return false;
  let evEnd = l.indexOf(': ', colon + 2);
  let bodyStart: number;
  if (evEnd < 0) {
    evEnd = l.endsWith(':') ? l.length - 1 : l.length;
    bodyStart = l.length;
  } else bodyStart = evEnd + 2;
  let ev = l.slice(colon + 2, evEnd).trim();
  const k = ev.lastIndexOf(':');
  h.system = k >= 0 ? ev.slice(0, k) : '';
  if (k >= 0) ev = ev.slice(k + 1);
  h.cpu = cpu;
  h.time = l.slice(ts, colon);
  h.event = ev;
  h.body = bodyStart < l.length ? l.slice(bodyStart).trimStart() : '';
  h.pid = pidOf(l, b);
  return true;
}

/** The PID before `[CPU]`: `TASK-PID`, `TASK-PID (TGID)` or perf's `COMM PID` / `COMM PID/TID`; -1 if none. */
function pidOf(l: string, bracket: number): number {
  let e = bracket;
  while (e > 0 && l.charCodeAt(e - 1) === 32) e--;
  if (l.charCodeAt(e - 1) === 41) {
    // `(  TGID)` or `(-------)`: the PID comes before it.
    e = l.lastIndexOf('(', e);
    while (e > 0 && l.charCodeAt(e - 1) === 32) e--;
  }
  let s = e;
  while (s > 0 && (isDigit(l.charCodeAt(s - 1)) || l.charCodeAt(s - 1) === 47)) s--;
  let pid = 0;
  let d = s;
  while (d < e && isDigit(l.charCodeAt(d))) pid = pid * 10 + l.charCodeAt(d++) - 48;
  return d > s ? pid : -1;
}

/** What a line is, for the format sniffers: a kmem event, another event, or no event (-1). */
export function kmemEventOf(h: Head): number {
  if (h.system !== '' && h.system !== 'kmem') return 0;
  return EVENTS.get(h.event) ?? 0;
}

const LOST = /^CPU:\s*\d+ \[LOST (\d+) EVENTS\]$/;
/** perf's call-chain line under an event: an address, then the symbol. */
const CALLCHAIN = /^[0-9a-f]{4,16}\s+\S/;
/** trace-cmd report's header lines. */
export const TRACE_CMD_HEADER = /^(version = \d+|cpus=(\d+)|CPU \d+ is empty)$/;
/** A line that names a kmem event without being a readable event line. */
const KMEM_WORD =
  /\b(kmalloc|kmalloc_node|kmem_cache_alloc|kmem_cache_alloc_node|kfree|kmem_cache_free|mm_page_alloc|mm_page_free)\b/;

/** A reader of kmem events for every flavour (ftrace, trace-cmd, perf). */
export function openKmemReader(sink: OpSink, format: string): TraceReader {
  /** Live objects and pages: pointer key (pfn for pages) -> slot. */
  const live = new Map<string, number>();
  const pages = new Map<string, number>();
  /** Pointers kmalloc(0) answered (ZERO_SIZE_PTR, maybe hashed): their kfree is a no-op. */
  const zero = new Set<string>();
  let sawEvent = false;
  const h = newHead();

  const nonEvent = (l: string): void => {
    const t = l.trim();
    if (t === '') return sink.skip(S_BLANK);
    if (t.charCodeAt(0) === 35) {
      // `# entries-in-buffer/entries-written: 24/24   #P:4`, perf --header's `# nrcpus avail : 4`.
      const p = /#P:(\d+)/.exec(t) ?? /^# nrcpus avail : (\d+)/.exec(t);
      if (p) sink.cpusStated = Math.max(sink.cpusStated, Number(p[1]));
      return sink.skip(S_COMMENT);
    }
    if (t.startsWith('=>')) return sink.skip(S_STACK);
    const lost = LOST.exec(t);
    if (lost) {
      sink.lostEvents += Number(lost[1]);
      return sink.skip(S_LOST);
    }
    const hdr = TRACE_CMD_HEADER.exec(t);
    if (hdr) {
      if (hdr[2] !== undefined) sink.cpusStated = Math.max(sink.cpusStated, Number(hdr[2]));
      return sink.skip(S_HEADER);
    }
    if (CALLCHAIN.test(t)) return sink.skip(S_CALLCHAIN);
    if (KMEM_WORD.test(t)) {
      return sink.unreadable("a kmem event without its 'TASK-PID [CPU] TIMESTAMP:' part");
    }
    sink.skip(S_NOT_EVENT);
  };

  /** The call site: trace-cmd's `(func+0x7c)` before the fields, else the call_site field. */
  const siteOf = (body: string): number => {
    if (body.charCodeAt(0) === 40) {
      const e = body.indexOf(') ');
      if (e > 0) return sink.site(body.slice(1, e));
    }
    return sink.site(fieldOf(body, 'call_site=') ?? '');
  };

  const event = (kind: number): void => {
    const body = h.body;
    const cpu = h.cpu;
    if (kind === EV_ALLOC || kind === EV_FREE) {
      const ptrText = fieldOf(body, 'ptr=');
      const key = ptrText === undefined ? undefined : pointerKey(ptrText);
      if (key === undefined) {
        return sink.unreadable(
          ptrText === undefined ? `${h.event} without ptr=` : `${h.event} with ptr=${ptrText}, not a pointer`,
        );
      }
      if (kind === EV_FREE) {
        count();
        if (key === '' || (zero.size > 0 && zero.has(key))) sink.nullFrees++;
        else {
          const slot = live.get(key);
          if (slot === undefined) sink.unknownFrees++;
          else {
            live.delete(key);
            sink.free(cpu, slot, siteOf(body));
          }
        }
        return;
      }
      const bytes = decimal(fieldOf(body, 'bytes_req='));
      if (Number.isNaN(bytes)) return sink.unreadable(`${h.event} without a readable bytes_req=`);
      count();
      if (bytes === 0) {
        sink.zeroSizeRequests++;
        if (key !== '') zero.add(key);
        return;
      }
      const site = siteOf(body);
      const name = h.event.startsWith('kmem_cache') ? (fieldOf(body, 'name=') ?? UNNAMED_CACHE) : '';
      const cache = sink.cache(name);
      if (key === '') return sink.failed(cpu, bytes, 0, site, cache);
      const old = live.get(key);
      if (old !== undefined) sink.free(cpu, old, 0, true);
      const handed = decimal(fieldOf(body, 'bytes_alloc='));
      live.set(key, sink.alloc(cpu, bytes, 0, site, cache, Number.isNaN(handed) ? 0 : handed));
      return;
    }
    // Page events, keyed by pfn (decimal before 5.14, 0x hex since): the page pointer may be hashed.
    const order = decimal(fieldOf(body, 'order='));
    const pfn = fieldOf(body, 'pfn=');
    const page = fieldOf(body, 'page=');
    const pageKey = page === undefined ? undefined : pointerKey(page);
    const pfnKey = pfn === undefined ? undefined : pfn.startsWith('0x') ? pointerKey(pfn) : hexOf(decimal(pfn));
    if (Number.isNaN(order) || pfnKey === undefined || pageKey === undefined) {
      return sink.unreadable(`${h.event} without readable page=, pfn= and order=`);
    }
    count();
    if (kind === EV_PAGE_ALLOC) {
      if (pageKey === '') return sink.pageFailed(cpu, order);
      const old = pages.get(pfnKey);
      if (old !== undefined) sink.pageFree(cpu, old, true);
      pages.set(pfnKey, sink.pageAlloc(cpu, order));
      return;
    }
    const slot = pages.get(pfnKey);
    if (slot === undefined) sink.unknownFrees++;
    else {
      pages.delete(pfnKey);
      sink.pageFree(cpu, slot);
    }
  };

  /** An event was read: its time, process and count. */
  const count = (): void => {
    sink.events++;
    const t = Number(h.time);
    if (t === t) sink.time(t);
    if (h.pid >= 0) sink.pids.add(h.pid);
  };

  return {
    line(l: string): void {
      if (!parseHead(l, h)) return nonEvent(l);
      sawEvent = true;
      if (h.event === '<stack trace>' || h.event === '<user stack trace>') return sink.skip(S_STACK);
      const kind = kmemEventOf(h);
      if (kind === 0) return sink.skip(S_OTHER_EVENT);
      event(kind);
    },
    end(): void {
      if (sink.opCount > 0 || sink.events > 0 || sink.unreadableCount > 0) return;
      throw new ParseError(
        sink.fileName,
        1,
        sawEvent
          ? `expected kmalloc / kmem_cache_alloc events in this ${format} trace, found none: enable the kmem events (events/kmem/enable) before tracing`
          : `expected ${format} kmem events ('TASK-PID [CPU] TIMESTAMP: kmalloc: ...'), found none`,
      );
    },
  };
}

/** A pfn printed in decimal, as the hex key a 0x-printed one gets; undefined when not a number. */
function hexOf(x: number): string | undefined {
  return Number.isNaN(x) ? undefined : x === 0 ? '' : x.toString(16);
}

/** What the kmem formats see in a detection window (computed once per window, see kmemWindow). */
export interface KmemWindow {
  /** kmem event lines without / with the system printed (`kmem:kmalloc`, as perf prints it). */
  plain: number;
  prefixed: number;
  /** Other event lines without / with their system. */
  otherPlain: number;
  otherPrefixed: number;
  /** trace-cmd report's header lines (`version = 6`, `cpus=4`, `CPU 3 is empty`). */
  traceCmdHeader: number;
  /** ftrace's own header comments (`# tracer: nop`) and its `=> func` stack lines. */
  ftraceLines: number;
  /** perf's call-chain lines. */
  callchain: number;
}

const windows = new WeakMap<readonly string[], KmemWindow>();

/** The kmem formats' view of a window of (trimmed) lines. */
export function kmemWindow(lines: readonly string[]): KmemWindow {
  const known = windows.get(lines);
  if (known) return known;
  const w: KmemWindow = {
    plain: 0,
    prefixed: 0,
    otherPlain: 0,
    otherPrefixed: 0,
    traceCmdHeader: 0,
    ftraceLines: 0,
    callchain: 0,
  };
  const h = newHead();
  for (const l of lines) {
    if (parseHead(l, h)) {
      const kmem = kmemEventOf(h) !== 0;
      if (h.system === '') {
        if (kmem) w.plain++;
        else w.otherPlain++;
      } else if (kmem) w.prefixed++;
      else w.otherPrefixed++;
    } else if (TRACE_CMD_HEADER.test(l)) w.traceCmdHeader++;
    else if (l.startsWith('# tracer:') || l.startsWith('=> ')) w.ftraceLines++;
    else if (CALLCHAIN.test(l)) w.callchain++;
  }
  windows.set(lines, w);
  return w;
}
