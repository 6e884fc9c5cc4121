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
import { decimalBytes, decodeRange, encode, indexOfByte, startsWithAscii } from '../import/bytes';
import { PtrMap } from '../import/ptr-map';
import { ParseError } from './parse-error';

/** What an event name means. */
export const EV_ALLOC = 1,
  EV_FREE = 2,
  EV_PAGE_ALLOC = 3,
  EV_PAGE_FREE = 4;
/** The events read, by name (the rest of the kmem system's events are other events). */
const EVENTS: readonly (readonly [string, number])[] = [
  ['kmalloc', EV_ALLOC],
  ['kfree', EV_FREE],
  ['kmem_cache_alloc', EV_ALLOC],
  ['kmem_cache_free', EV_FREE],
  ['kmalloc_node', EV_ALLOC],
  ['kmem_cache_alloc_node', EV_ALLOC],
  ['mm_page_alloc', EV_PAGE_ALLOC],
  ['mm_page_free', EV_PAGE_FREE],
  ['mm_page_free_direct', EV_PAGE_FREE],
  ['mm_page_free_batched', EV_PAGE_FREE],
  ['mm_pagevec_free', EV_PAGE_FREE],
];

/** The cache of a kmem_cache_alloc that does not print `name=` (kernels before the newest). */
export const UNNAMED_CACHE = 'kmem_cache (unnamed)';

/**
 * One parsed event line, as positions in its bytes (reused: nothing is cut from the line per
 * event but what is kept). `kind` is EV_* for the kmem events read, 0 for any other event.
 */
export interface Head {
  b: Uint8Array;
  end: number;
  cpu: number;
  pid: number;
  timeFrom: number;
  timeTo: number;
  /** The event's system as printed (`kmem` in perf's `kmem:kmalloc`): none when from === to. */
  sysFrom: number;
  sysTo: number;
  evFrom: number;
  evTo: number;
  /** Where the fields after `EVENT: ` start. */
  body: number;
  kind: number;
}

export const newHead = (): Head => ({
  b: new Uint8Array(0),
  end: 0,
  cpu: 0,
  pid: -1,
  timeFrom: 0,
  timeTo: 0,
  sysFrom: 0,
  sysTo: 0,
  evFrom: 0,
  evTo: 0,
  body: 0,
  kind: 0,
});

export const eventName = (h: Head): string => decodeRange(h.b, h.evFrom, h.evTo);

const SP = 32,
  COLON = 58;
const isDigitByte = (c: number): boolean => c >= 48 && c <= 57;

/** Parse the head of the event line b[from, to) into `h`; false when it is no event line. */
export function parseHead(b: Uint8Array, from: number, to: number, h: Head): boolean {
  // [CPU]: the first bracketed number followed by a space (task names may hold anything else).
  // A loop, not indexOf: the bracket is a few dozen bytes in, less than a builtin call costs.
  let br = from;
  let j = 0;
  let cpu = 0;
  for (; ; br++) {
    while (br < to && b[br] !== 91) br++;
    if (br >= to) return false;
    j = br + 1;
    cpu = 0;
    while (j < to && isDigitByte(b[j])) cpu = cpu * 10 + b[j++] - 48;
    if (j > br + 1 && j + 1 < to && b[j] === 93 && b[j + 1] === SP) break;
  }
  // TIMESTAMP: the token before the first ': ' after the CPU (FLAGS may come first).
  let colon = j + 1;
  while (colon + 1 < to && !(b[colon] === COLON && b[colon + 1] === SP)) colon++;
  if (colon + 1 >= to) return false;
  let ts = colon;
  while (ts > j + 1 && b[ts - 1] !== SP) ts--;
  if (!isDigitByte(b[ts])) return false;
  // EVENT: up to the next ': ' (or a ':' ending the line), padded on either side (perf, trace-cmd).
  let evFrom = colon + 2;
  while (evFrom < to && b[evFrom] === SP) evFrom++;
  let evTo = evFrom;
  let sys = -1;
  while (evTo < to && !(b[evTo] === COLON && (evTo + 1 === to || b[evTo + 1] === SP))) {
    if (b[evTo] === COLON) sys = evTo;
    evTo++;
  }
  let body = evTo + 2;
  while (body < to && b[body] === SP) body++;
  if (body > to) body = to;
  while (evTo > evFrom && b[evTo - 1] === SP) evTo--;
  h.sysFrom = evFrom;
  h.sysTo = evFrom;
  if (sys >= 0) {
    h.sysTo = sys;
    evFrom = sys + 1;
  }
  h.b = b;
  h.end = to;
  h.cpu = cpu;
  h.timeFrom = ts;
  h.timeTo = colon;
  h.evFrom = evFrom;
  h.evTo = evTo;
  h.body = body;
  h.pid = pidOf(b, from, br);
  const otherSystem = h.sysTo > h.sysFrom && !(h.sysTo - h.sysFrom === 4 && startsWithAscii(b, h.sysFrom, to, 'kmem'));
  h.kind = otherSystem ? 0 : kindOf(b, evFrom, evTo);
  return true;
}

/** EV_* of the event named b[from, to), 0 for another event. */
function kindOf(b: Uint8Array, from: number, to: number): number {
  const c = b[from];
  if (c !== 107 && c !== 109) return 0; // 'k', 'm'
  for (let i = 0; i < EVENTS.length; i++) {
    const [name, kind] = EVENTS[i];
    if (to - from === name.length && startsWithAscii(b, from, to, name)) return kind;
  }
  return 0;
}

/** The PID before `[CPU]`: `TASK-PID`, `TASK-PID (TGID)` or perf's `COMM PID` / `COMM PID/TID`; -1 if none. */
function pidOf(b: Uint8Array, from: number, bracket: number): number {
  let e = bracket;
  while (e > from && b[e - 1] === SP) e--;
  if (e > from && b[e - 1] === 41) {
    // `(  TGID)` or `(-------)`: the PID comes before it.
    while (e > from && b[e - 1] !== 40) e--;
    e--;
    while (e > from && b[e - 1] === SP) e--;
  }
  let s = e;
  while (s > from && (isDigitByte(b[s - 1]) || b[s - 1] === 47)) s--;
  let pid = 0;
  let d = s;
  while (d < e && isDigitByte(b[d])) pid = pid * 10 + b[d++] - 48;
  return d > s ? pid : -1;
}

/** The fields a kmem event's reader looks at. */
const F_CALL_SITE = 0,
  F_PTR = 1,
  F_BYTES_REQ = 2,
  F_BYTES_ALLOC = 3,
  F_NAME = 4,
  F_PAGE = 5,
  F_PFN = 6,
  F_ORDER = 7,
  F_GFP = 8;
const FIELD_NAMES = ['call_site', 'ptr', 'bytes_req', 'bytes_alloc', 'name', 'page', 'pfn', 'order', 'gfp_flags'];

/** Which field the key b[s, e) is (by its length and a letter or two first, then checked whole), or -1. */
function keyOf(b: Uint8Array, s: number, e: number): number {
  let f = -1;
  switch (e - s) {
    case 3:
      f = b[s + 1] === 116 ? F_PTR : F_PFN; // ptr, pfn
      break;
    case 4:
      f = b[s] === 110 ? F_NAME : F_PAGE; // name, page
      break;
    case 5:
      f = F_ORDER;
      break;
    case 9:
      f = b[s] === 99 ? F_CALL_SITE : b[s] === 98 ? F_BYTES_REQ : F_GFP; // call_site, bytes_req, gfp_flags
      break;
    case 11:
      f = F_BYTES_ALLOC;
      break;
  }
  return f >= 0 && startsWithAscii(b, s, e, FIELD_NAMES[f]) ? f : -1;
}

/** A pointer field as read: its value's place, and 1 a pointer (hi, lo), 0 NULL, -1 not a pointer, -2 absent. */
class PtrField {
  from = -1;
  to = -1;
  state = -2;
  hi = 0;
  lo = 0;
}

/**
 * What one pass over a kmem event's fields (`key=value`, separated by spaces) found: values are
 * parsed as they are met, each byte read once. Every field read comes before gfp_flags in every
 * kernel's format, so the pass stops there. A value padded with spaces is found past them: the
 * kernel prints NULL as `%p` of a pointer's width, `ptr=  (null)` on 32-bit and
 * `ptr=          (null)` on 64-bit (lib/vsprintf.c before 5.2: "Print (null) with the same
 * width as a pointer").
 */
class Fields {
  siteFrom = -1;
  siteTo = -1;
  nameFrom = -1;
  nameTo = -1;
  readonly ptr = new PtrField();
  readonly page = new PtrField();
  readonly pfn = new PtrField();
  req = NaN;
  alloc = NaN;
  order = NaN;

  scan(b: Uint8Array, from: number, to: number): void {
    this.siteFrom = this.nameFrom = -1;
    this.ptr.state = this.page.state = this.pfn.state = -2;
    this.req = this.alloc = this.order = NaN;
    let i = from;
    while (i < to) {
      while (i < to && b[i] === SP) i++;
      const k = i;
      while (i < to && b[i] !== 61 && b[i] !== SP) i++; // '='
      if (i >= to) return;
      if (b[i] !== 61) continue;
      const f = keyOf(b, k, i);
      if (f === F_GFP) return;
      let v = i + 1;
      if (v < to && b[v] === SP) {
        let p = v;
        while (p < to && b[p] === SP) p++;
        if (startsWithAscii(b, p, to, '(null)')) v = p;
      }
      switch (f) {
        case F_PTR:
          i = pointerField(b, v, to, this.ptr);
          break;
        case F_PAGE:
          i = pointerField(b, v, to, this.page);
          break;
        case F_PFN:
          // Hex with 0x since 5.14, decimal before: both read as the same value.
          if (startsWithAscii(b, v, to, '0x')) i = pointerField(b, v, to, this.pfn);
          else {
            let e = v;
            while (e < to && b[e] !== SP) e++;
            const d = decimalBytes(b, v, e);
            this.pfn.state = d === d ? 1 : -1;
            this.pfn.hi = Math.floor(d / 4294967296) | 0;
            this.pfn.lo = d | 0;
            i = e;
          }
          break;
        case F_BYTES_REQ:
        case F_BYTES_ALLOC:
        case F_ORDER: {
          let x = 0;
          let e = v;
          for (; e < to; e++) {
            const c = b[e];
            if (c === SP) break;
            x = c >= 48 && c <= 57 ? x * 10 + c - 48 : NaN;
          }
          if (e === v || e - v > 20) x = NaN;
          if (f === F_BYTES_REQ) this.req = x;
          else if (f === F_BYTES_ALLOC) this.alloc = x;
          else this.order = x;
          i = e;
          break;
        }
        default: {
          let e = v;
          while (e < to && b[e] !== SP) e++;
          if (f === F_CALL_SITE) [this.siteFrom, this.siteTo] = [v, e];
          else if (f === F_NAME) [this.nameFrom, this.nameTo] = [v, e];
          i = e;
        }
      }
    }
  }
}

/** Parse the pointer value at b[v...] (to the next space) into `p`; returns where it ends. */
function pointerField(b: Uint8Array, v: number, to: number, p: PtrField): number {
  let e = v;
  let hi = 0;
  let lo = 0;
  let digits = 0;
  let ok = true;
  let s = v;
  if (to - s > 2 && b[s] === 48 && (b[s + 1] | 32) === 120) s += 2;
  for (e = s; e < to; e++) {
    const c = b[e];
    if (c === SP) break;
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else {
      ok = false;
      continue;
    }
    if (digits > 0 || d > 0) digits++;
    hi = (hi << 4) | (lo >>> 28) | 0;
    lo = (lo << 4) | d | 0;
  }
  p.from = v;
  p.to = e;
  if (!ok || e === s) {
    // (null), (nil): NULL; anything else is not a pointer.
    const n = e - v;
    p.state =
      (n === 6 && startsWithAscii(b, v, e, '(null)')) || (n === 5 && startsWithAscii(b, v, e, '(nil)')) ? 0 : -1;
  } else p.state = digits > 16 ? -1 : hi === 0 && lo === 0 ? 0 : 1;
  p.hi = hi;
  p.lo = lo;
  return e;
}

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
