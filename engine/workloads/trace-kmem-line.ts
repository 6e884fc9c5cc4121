/**
 * One line of kmem trace text, read as bytes: the head every ftrace-like tool prints
 * (`TASK-PID [CPU] FLAGS? TIMESTAMP: [SYSTEM:]EVENT:`) and the fields of the kmem events
 * trace-kmem.ts reads, found in one pass and parsed as they are met (no string per line).
 */
import { decimalBytes, decodeRange, startsWithAscii } from '../import/bytes';

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

export const SP = 32;
const COLON = 58;
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
export class PtrField {
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
export class Fields {
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
