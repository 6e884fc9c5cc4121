/**
 * The write side of a trace import: trace readers (engine/workloads/trace-*.ts) call it
 * with what each line means, and it writes ops straight into a linear op buffer made
 * `withTrace` (engine/core/op-buffer.ts), names allocations by slot, interns call sites
 * and cache names, and counts everything an import summary shows. No object is made
 * per event: memory is the op buffer plus the readers' live pointer -> slot maps.
 *
 * Conventions every reader follows:
 * - `alloc` takes the request as traced; a 0-byte request (malloc(0)) is replayed as 1 byte,
 *   which is what glibc hands out for it (a unique minimum-size chunk);
 * - a request the trace records as failed (the program got NULL) is `failed`: the op buffer
 *   gets the alloc flagged F_TRACE_FAILED and at once its free, flagged too, so that every
 *   allocator is asked the same request and nothing it might hand out stays live;
 * - a free the trace implies without recording it is `free(..., implied = true)`, flagged
 *   F_IMPLIED (an allocation at an address that is still live: its free was lost);
 * - lines that are no allocation event are `skip`ped with a reason; a line that looks like an
 *   event but cannot be read is `unreadable` (a warning quoting it; an error with `strict`).
 */
import { MAX_CPUS } from '../core/limits';
import {
  F_IMPLIED,
  F_TRACE_FAILED,
  K_ALLOC,
  K_FREE,
  K_MAP,
  K_PAGE_ALLOC,
  K_PAGE_FREE,
  K_UNMAP,
  OpBuffer,
} from '../core/op-buffer';
import { ParseError, escapeControls, quoteLine } from '../workloads/parse-error';
import { SlotPool } from '../workloads/support';
import { decodeRange } from './bytes';
import { Interner } from './intern';
import { detach } from './text';
import type { ProcessSummary } from './summary';

/** What a reader is: told each line (without its line end), then the end of the input. */
export interface TraceReader {
  line(text: string, lineNo: number): void;
  /**
   * The line b[s, e) as bytes (without its line end), for readers that read bytes: the driver
   * then splits byte input itself and never decodes it. Must read a line as `line` reads its text.
   */
  bytes?(b: Uint8Array, s: number, e: number, lineNo: number): void;
  /** The input ended: report what is still pending, or throw when the file held no event at all. */
  end(): void;
  /** Formats that name processes (valgrind): each process's own counts. */
  processes?(): ProcessSummary[];
}

/** Why lines were skipped (indices into the sink's counters; the summary names them). */
export const SKIP_REASONS = [
  'blank',
  'comment',
  'header',
  'other event',
  'stack trace',
  'call chain',
  'lost-events note',
  'not an event',
  'program output',
  'valgrind message',
  'other call',
  'unreadable',
] as const;
export type SkipReasonName = (typeof SKIP_REASONS)[number];
export const S_BLANK = 0,
  S_COMMENT = 1,
  S_HEADER = 2,
  S_OTHER_EVENT = 3,
  S_STACK = 4,
  S_CALLCHAIN = 5,
  S_LOST = 6,
  S_NOT_EVENT = 7,
  S_OUTPUT = 8,
  S_VALGRIND = 9,
  S_OTHER_CALL = 10,
  S_UNREADABLE = 11;

/** Unreadable lines quoted in the summary (all of them are counted). */
export const UNREADABLE_SAMPLE = 10;

export interface UnreadableLine {
  line: number;
  /** What was wrong with it. */
  why: string;
  /** The line, quoted (escaped, at most 200 characters). */
  text: string;
}

/** Ops reserved at a time (one publish per block). */
const BLOCK = 1 << 16;

export interface SinkOptions {
  fileName: string;
  /** Most ops the buffer may hold (a bound from the file size); it grows up to this. */
  maxOps: number;
  /** Any unreadable line is an error naming file:line. */
  strict?: boolean;
  /** Shared memory for the op buffer (default: when the platform has it). */
  shared?: boolean;
}

export class OpSink {
  readonly ops: OpBuffer;
  readonly fileName: string;
  readonly strict: boolean;
  /** Set by the driver before each line: the line being read (for messages and records). */
  lineNo = 0;
  private lineText: string | null = '';
  private lineBytes: Uint8Array = new Uint8Array(0);
  private lineFrom = 0;
  private lineTo = 0;

  // What the summary shows (readers count the events they read; the sink counts the rest).
  events = 0;
  allocations = 0;
  frees = 0;
  reallocs = 0;
  failedAllocations = 0;
  nullFrees = 0;
  unknownFrees = 0;
  impliedFrees = 0;
  inheritedFrees = 0;
  zeroSizeRequests = 0;
  pageAllocations = 0;
  pageFrees = 0;
  lostEvents = 0;
  /** The largest request, failed ones included; the bytes of the requests that succeeded. */
  largestRequest = 0;
  bytesRequested = 0;
  /** The CPU count a header states (ftrace #P:N, trace-cmd cpus=N), 0 when none. */
  cpusStated = 0;
  /** Time stamps of the first and the last event (seconds; traces print them in order). */
  firstTime = NaN;
  private readonly lastTimeBytes = new Uint8Array(32);
  private lastTimeLength = 0;
  readonly pids = new Set<number>();
  readonly skipped = new Float64Array(SKIP_REASONS.length);
  readonly unreadableSample: UnreadableLine[] = [];
  /** Highest CPU an op names so far. */
  maxCpu = -1;
  /**
   * Each line that raised maxCpu, in order: the first line naming a CPU >= N is the first
   * record whose cpu is >= N (for "the trace needs more CPUs" messages).
   */
  readonly cpuRecords: { cpu: number; line: number; text: string }[] = [];

  /** Call sites and cache names by index; index 0 is "none" (the op buffer's 0). */
  readonly siteNames = new Interner();
  readonly cacheNames = new Interner();

  private readonly slots = new SlotPool();
  /** Per slot: bit 1 mapped, bit 2 freed while mapped (op files' zero-copy ops). */
  private slotState = new Uint8Array(1024);
  private room = 0;

  constructor(o: SinkOptions) {
    this.fileName = o.fileName;
    this.strict = o.strict ?? false;
    this.ops = OpBuffer.create({ capacity: Math.max(1, o.maxOps), withTrace: true, shared: o.shared });
    this.ops.beginProducing();
  }

  /** Ops written so far. */
  opCount = 0;

  get sites(): readonly string[] {
    return this.siteNames.names;
  }
  get caches(): readonly string[] {
    return this.cacheNames.names;
  }

  /** The call site's index (interned; a reader of text lines). */
  site(text: string): number {
    return this.siteNames.of(text);
  }

  /** The call site b[s, e)'s index (interned without making a string). */
  siteAt(b: Uint8Array, s: number, e: number): number {
    return this.siteNames.atBytes(b, s, e);
  }

  /** The named cache's index (interned). */
  cache(name: string): number {
    return this.cacheNames.of(name);
  }

  cacheAt(b: Uint8Array, s: number, e: number): number {
    return this.cacheNames.atBytes(b, s, e);
  }

  /** An allocation the trace shows succeeding: its slot. `align` is log2 of the alignment (0 = none asked). */
  alloc(cpu: number, bytes: number, align = 0, site = 0, cache = 0, handedOut = 0): number {
    this.allocations++;
    if (bytes > this.largestRequest) this.largestRequest = bytes;
    this.bytesRequested += bytes;
    const slot = this.slots.take();
    if (slot >= this.slotState.length) this.growState(slot);
    this.slotState[slot] = 0;
    this.push(K_ALLOC, cpu, slot, Math.max(1, bytes), 0, align, site, cache, handedOut);
    return slot;
  }

  /** A request the trace records as failed (see the header). */
  failed(cpu: number, bytes: number, align = 0, site = 0, cache = 0): void {
    this.failedAllocations++;
    if (bytes > this.largestRequest) this.largestRequest = bytes;
    const slot = this.slots.take();
    this.push(K_ALLOC, cpu, slot, Math.max(1, bytes), F_TRACE_FAILED, align, site, cache, 0);
    this.push(K_FREE, cpu, slot, 0, F_TRACE_FAILED, 0, site, 0, 0);
    this.slots.release(slot);
  }

  /** The free of a live slot; `implied`: the trace did not record it (see the header). */
  free(cpu: number, slot: number, site = 0, implied = false): void {
    if (implied) this.impliedFrees++;
    else this.frees++;
    this.push(K_FREE, cpu, slot, 0, implied ? F_IMPLIED : 0, 0, site, 0, 0);
    // A mapped allocation keeps its slot until its unmap (the free is postponed there).
    if (this.slotState[slot] & 1) this.slotState[slot] |= 2;
    else this.slots.release(slot);
  }

  map(cpu: number, slot: number): void {
    this.slotState[slot] |= 1;
    this.push(K_MAP, cpu, slot, 0, 0, 0, 0, 0, 0);
  }

  unmap(cpu: number, slot: number): void {
    const freed = (this.slotState[slot] & 2) !== 0;
    this.slotState[slot] = 0;
    this.push(K_UNMAP, cpu, slot, 0, 0, 0, 0, 0, 0);
    if (freed) this.slots.release(slot);
  }

  /** A page-level allocation of 2^order pages (mm_page_alloc): its slot. */
  pageAlloc(cpu: number, order: number): number {
    this.pageAllocations++;
    const slot = this.slots.take();
    if (slot >= this.slotState.length) this.growState(slot);
    this.slotState[slot] = 0;
    this.push(K_PAGE_ALLOC, cpu, slot, order, 0, 0, 0, 0, 0);
    return slot;
  }

  /** A page-level request the trace records as failed (mm_page_alloc with page=NULL). */
  pageFailed(cpu: number, order: number): void {
    this.failedAllocations++;
    const slot = this.slots.take();
    this.push(K_PAGE_ALLOC, cpu, slot, order, F_TRACE_FAILED, 0, 0, 0, 0);
    this.push(K_PAGE_FREE, cpu, slot, 0, F_TRACE_FAILED, 0, 0, 0, 0);
    this.slots.release(slot);
  }

  pageFree(cpu: number, slot: number, implied = false): void {
    if (implied) this.impliedFrees++;
    else this.pageFrees++;
    this.push(K_PAGE_FREE, cpu, slot, 0, implied ? F_IMPLIED : 0, 0, 0, 0, 0);
    this.slots.release(slot);
  }

  /** The line being read, as the driver has it (text, or bytes decoded only when asked). */
  setLine(text: string): void {
    this.lineText = text;
  }
  setLineBytes(b: Uint8Array, s: number, e: number): void {
    this.lineText = null;
    this.lineBytes = b;
    this.lineFrom = s;
    this.lineTo = e;
  }
  get text(): string {
    this.lineText ??= decodeRange(this.lineBytes, this.lineFrom, this.lineTo);
    return this.lineText;
  }

  /** The current event's time stamp, the bytes b[s, e) in seconds (parsed for the first and the last only). */
  timeAt(b: Uint8Array, s: number, e: number): void {
    if (this.firstTime !== this.firstTime) this.firstTime = Number(decodeRange(b, s, e));
    // Copied: the line's bytes are not kept (a reader may reuse them).
    const n = Math.min(e - s, this.lastTimeBytes.length);
    for (let k = 0; k < n; k++) this.lastTimeBytes[k] = b[s + k];
    this.lastTimeLength = n;
  }

  /** The time stamp of the last event, NaN when there was none. */
  get lastTime(): number {
    return this.lastTimeLength > 0 ? Number(decodeRange(this.lastTimeBytes, 0, this.lastTimeLength)) : NaN;
  }

  skip(reason: number): void {
    this.skipped[reason]++;
  }

  /**
   * The current line looks like an event but cannot be read: skipped with a warning (an error
   * naming file:line with `strict`). `line`/`text` default to the line being read.
   */
  unreadable(why: string, line = this.lineNo, text = this.text): void {
    // `why` may quote a piece of the line: escape it as the line is.
    const reason = escapeControls(why);
    if (this.strict) throw new ParseError(this.fileName, line, `${reason} (--strict), got ${quoteLine(text)}`);
    this.skipped[S_UNREADABLE]++;
    if (this.unreadableSample.length < UNREADABLE_SAMPLE) {
      this.unreadableSample.push({ line, why: detach(reason), text: detach(quoteLine(text)) });
    }
  }

  get unreadableCount(): number {
    return this.skipped[S_UNREADABLE];
  }

  /** Make every op visible and end the buffer. */
  finish(): OpBuffer {
    this.ops.end();
    this.room = 0;
    return this.ops;
  }

  private growState(slot: number): void {
    const s = new Uint8Array(Math.max(slot + 1, this.slotState.length * 2));
    s.set(this.slotState);
    this.slotState = s;
  }

  private push(
    kind: number,
    cpu: number,
    slot: number,
    size: number,
    flags: number,
    align: number,
    site: number,
    cache: number,
    handedOut: number,
  ): void {
    if (cpu > this.maxCpu) this.newCpu(cpu);
    if (this.room === 0) this.reserveBlock();
    this.room--;
    this.opCount++;
    const i = this.ops.push(kind, cpu, slot, size, flags, align);
    this.ops.setTrace(i, site, cache, handedOut > 0xffffffff ? 0xffffffff : handedOut);
  }

  private reserveBlock(): void {
    this.ops.publish();
    const ops = this.ops;
    const left = ops.capacity - ops.produced;
    const n = Math.min(BLOCK, left);
    if (n <= 0 || !ops.reserve(n)) {
      throw new ParseError(
        this.fileName,
        this.lineNo,
        `more than ${ops.capacity} ops: the op buffer holds no more (the file has more events than its size allows)`,
      );
    }
    this.room = n;
  }

  private newCpu(cpu: number): void {
    if (cpu >= MAX_CPUS) {
      throw new ParseError(
        this.fileName,
        this.lineNo,
        `event on CPU ${cpu}: Fragscope models at most ${MAX_CPUS} CPUs (0 to ${MAX_CPUS - 1}), got ${quoteLine(this.text)}`,
      );
    }
    this.cpuRecords.push({ cpu, line: this.lineNo, text: detach(this.text) });
    this.maxCpu = cpu;
  }
}
