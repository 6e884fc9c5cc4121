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
import { decodeRange, encode, indexOfByte, startsWithAscii } from '../import/bytes';
import { PtrMap } from '../import/ptr-map';
import { ParseError } from './parse-error';
import {
  EV_ALLOC,
  EV_FREE,
  EV_PAGE_ALLOC,
  Fields,
  SP,
  eventName,
  newHead,
  parseHead,
  UNNAMED_CACHE,
  type PtrField,
} from './trace-kmem-line';

export { UNNAMED_CACHE };

const LOST = /^CPU:\s*\d+ \[LOST (\d+) EVENTS\]$/;
/** perf's call-chain line under an event: an address, then the symbol. */
const CALLCHAIN = /^[0-9a-f]{4,16}\s+\S/;
/** trace-cmd report's header lines. */
export const TRACE_CMD_HEADER = /^(version = \d+|cpus=(\d+)|CPU \d+ is empty)$/;
/** A line that names a kmem event without being a readable event line. */
const KMEM_WORD =
  /\b(kmalloc|kmalloc_node|kmem_cache_alloc|kmem_cache_alloc_node|kfree|kmem_cache_free|mm_page_alloc|mm_page_free)\b/;

/** A reader of kmem events for every flavour (ftrace, trace-cmd, perf), of bytes or of text. */
export function openKmemReader(sink: OpSink, format: string): TraceReader {
  /** Live objects by pointer, live pages by pfn: -> slot. */
  const live = new PtrMap(1 << 14);
  const pages = new PtrMap(1024);
  /** Pointers kmalloc(0) answered (ZERO_SIZE_PTR, maybe hashed): their kfree is a no-op. */
  const zero = new PtrMap(16);
  const fs = new Fields();
  const h = newHead();
  let sawEvent = false;
  /** Lines given as text are encoded here and read as bytes. */
  let scratch = new Uint8Array(1024);
  const encoder = new TextEncoder();

  const nonEvent = (): void => {
    const t = sink.text.trim();
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
    if (KMEM_WORD.test(t)) return sink.unreadable("a kmem event without its 'TASK-PID [CPU] TIMESTAMP:' part");
    sink.skip(S_NOT_EVENT);
  };

  /** The fields start after trace-cmd's `(func+0x7c) `, which names the call site when there. */
  let prefixFrom = -1;
  let prefixTo = -1;
  const fields = (b: Uint8Array): void => {
    let from = h.body;
    prefixFrom = -1;
    if (b[from] === 40) {
      const close = indexOfByte(b, 41, from, h.end);
      if (close > 0 && close + 1 < h.end && b[close + 1] === SP) {
        prefixFrom = from + 1;
        prefixTo = close;
        from = close + 2;
      }
    }
    fs.scan(b, from, h.end);
  };
  const siteOf = (b: Uint8Array): number => {
    if (prefixFrom >= 0) return sink.siteAt(b, prefixFrom, prefixTo);
    return fs.siteFrom < 0 ? 0 : sink.siteAt(b, fs.siteFrom, fs.siteTo);
  };

  /** A pointer field's state (1 a pointer, 0 NULL), or -1 when it is missing or not a pointer (reported). */
  const pointer = (p: PtrField, key: string): number => {
    if (p.state < 0) {
      const what = p.state === -2 ? `without ${key}=` : `with ${key}=${decodeRange(h.b, p.from, p.to)}, not a pointer`;
      sink.unreadable(`${eventName(h)} ${what}`);
    }
    return p.state < 0 ? -1 : p.state;
  };

  /** An event was read: its time, process and count. */
  let lastPid = -1;
  const count = (b: Uint8Array): void => {
    sink.events++;
    sink.timeAt(b, h.timeFrom, h.timeTo);
    // Runs of events of one task are the rule: the set is asked only when the PID changes.
    if (h.pid !== lastPid && h.pid >= 0) sink.pids.add(h.pid);
    lastPid = h.pid;
  };

  const slab = (b: Uint8Array, kind: number): void => {
    const cpu = h.cpu;
    const p = fs.ptr;
    const got = pointer(p, 'ptr');
    if (got < 0) return;
    if (kind === EV_FREE) {
      count(b);
      if (got === 0 || (zero.size > 0 && zero.get(p.hi, p.lo) >= 0)) sink.nullFrees++;
      else {
        const slot = live.delete(p.hi, p.lo);
        if (slot < 0) sink.unknownFrees++;
        else sink.free(cpu, slot, siteOf(b));
      }
      return;
    }
    const bytes = fs.req;
    if (Number.isNaN(bytes)) return sink.unreadable(`${eventName(h)} without a readable bytes_req=`);
    count(b);
    if (bytes === 0) {
      sink.zeroSizeRequests++;
      if (got > 0) zero.set(p.hi, p.lo, 0);
      return;
    }
    const site = siteOf(b);
    let cache = 0;
    if (startsWithAscii(b, h.evFrom, h.evTo, 'kmem_cache')) {
      // kmem_cache_alloc*: its cache, by name= when the kernel prints it.
      cache = fs.nameFrom < 0 ? sink.cache(UNNAMED_CACHE) : sink.cacheAt(b, fs.nameFrom, fs.nameTo);
    }
    if (got === 0) return sink.failed(cpu, bytes, 0, site, cache);
    const handed = fs.alloc;
    const old = live.get(p.hi, p.lo);
    if (old >= 0) sink.free(cpu, old, 0, true);
    live.set(p.hi, p.lo, sink.alloc(cpu, bytes, 0, site, cache, Number.isNaN(handed) ? 0 : handed));
  };

  // Page events, keyed by pfn (decimal before 5.14, 0x hex since): the page pointer may be hashed.
  const page = (b: Uint8Array, kind: number): void => {
    const order = fs.order;
    const got = pointer(fs.page, 'page');
    if (got < 0) return;
    const pfn = fs.pfn;
    if (Number.isNaN(order) || pfn.state < 0) {
      return sink.unreadable(`${eventName(h)} without readable page=, pfn= and order=`);
    }
    count(b);
    if (kind === EV_PAGE_ALLOC) {
      if (got === 0) return sink.pageFailed(h.cpu, order);
      const old = pages.get(pfn.hi, pfn.lo);
      if (old >= 0) sink.pageFree(h.cpu, old, true);
      pages.set(pfn.hi, pfn.lo, sink.pageAlloc(h.cpu, order));
      return;
    }
    const slot = pages.delete(pfn.hi, pfn.lo);
    if (slot < 0) sink.unknownFrees++;
    else sink.pageFree(h.cpu, slot);
  };

  const bytes = (b: Uint8Array, s: number, e: number): void => {
    if (!parseHead(b, s, e, h)) return nonEvent();
    sawEvent = true;
    const kind = h.kind;
    if (kind !== 0) {
      fields(b);
      return kind === EV_ALLOC || kind === EV_FREE ? slab(b, kind) : page(b, kind);
    }
    if (
      b[h.evFrom] === 60 &&
      (startsWithAscii(b, h.evFrom, e, '<stack trace>') || startsWithAscii(b, h.evFrom, e, '<user stack trace>'))
    ) {
      return sink.skip(S_STACK);
    }
    sink.skip(S_OTHER_EVENT);
  };

  return {
    bytes,
    line(l: string): void {
      if (scratch.length < l.length * 3) scratch = new Uint8Array(l.length * 3);
      const n = encoder.encodeInto(l, scratch).written;
      bytes(scratch, 0, n);
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
    const b = encode(l);
    if (parseHead(b, 0, b.length, h)) {
      const kmem = h.kind !== 0;
      if (h.sysTo === h.sysFrom) {
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
