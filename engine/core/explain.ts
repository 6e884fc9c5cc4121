/**
 * "Why did this allocation fail": what an allocator says about a failed request at the state it
 * failed in (a failed call leaves the state unchanged, so right after it is the same). Each kind
 * builds one in its own explain.ts (Allocator.explainFailure); this module holds the shape, the
 * words and the paragraph, so that every kind, the CLI's --json and the app say the same thing.
 */

/** A block of the pool: its first byte and its length. */
export interface Span {
  address: number;
  bytes: number;
}

/**
 * Why free memory could not serve the request on the failing CPU:
 * - pending-remote: freed on a foreign CPU, queued for the failing CPU, not drained yet (NTA);
 * - other-cpus: free runs or pages that belong to other CPUs (NTA lists, pow2 pages);
 * - other-cpu-caches: free objects held in other CPUs' caches (SLAB arrays, SLUB per-CPU slabs);
 * - shared-array: free objects of other caches in SLAB's shared arrays;
 * - other-classes: free objects or slots of other size classes (pow2, SLAB, SLUB slabs);
 * - zone-fragments: free pages in the zone, but only in blocks smaller than the order needed.
 */
export const UNUSABLE_REASONS = [
  'pending-remote',
  'other-cpus',
  'other-cpu-caches',
  'shared-array',
  'other-classes',
  'zone-fragments',
] as const;
export type UnusableReason = (typeof UNUSABLE_REASONS)[number];

export interface Unusable {
  reason: UnusableReason;
  bytes: number;
  /** Where that memory lies, merged, address order, at most MAX_SPANS (the overlay's tint). */
  spans: Span[];
  /** More spans existed than were kept. */
  truncated: boolean;
}

export interface FailureExplanation {
  /** Allocator label, e.g. 'NTA (blog)'. */
  label: string;
  cpu: number;
  /** Bytes requested. */
  bytes: number;
  /** Bytes the allocator would hand out for it (its class or whole chunks), 0 when it never can. */
  rounded: number;
  /** The size class or cache that had to serve it, e.g. 'size-256', '256 B class', 'order 3'. */
  sizeClass: string | null;
  /** The failing CPU's largest free blocks (what it could have had), largest first, at most TOP_RUNS. */
  largest: Span[];
  /** Free memory the failing CPU could not use, by reason (only reasons with bytes). */
  unusable: Unusable[];
  /** What the allocator tried last and was refused (growth, a new slab, a page block), or null. */
  refused: string | null;
  /** The cause in plain words with the numbers. */
  paragraph: string;
}

/** Largest free blocks listed per explanation. */
export const TOP_RUNS = 5;
/** Spans kept per reason after merging: the overlay draws them, the JSON leaves them out. */
export const MAX_SPANS = 65536;
/** Spans recorded per reason before merging (a walk stops there: 16 MiB of doubles at most). */
export const RAW_SPANS = 1 << 20;

const WHY: Record<UnusableReason, string> = {
  'pending-remote': 'waits in its remote-free queue',
  'other-cpus': "is free on other CPUs' memory",
  'other-cpu-caches': "waits in other CPUs' caches",
  'shared-array': 'waits in the shared arrays of other caches',
  'other-classes': 'is free in other size classes',
  'zone-fragments': 'is free in the zone in blocks too small',
};

/** Plain words for one reason (the legend). */
export function reasonText(r: UnusableReason): string {
  return WHY[r];
}

/** 2,048 B below 10 KiB, then KiB below 1 MiB, then MiB, with up to one decimal: the paragraph's sizes. */
export function formatSize(bytes: number): string {
  if (bytes < 10240) return `${bytes.toLocaleString('en-US')} B`;
  const [v, u] = bytes < 1048576 ? [bytes / 1024, 'KiB'] : [bytes / 1048576, 'MiB'];
  const r = Math.round(v * 10) / 10;
  return `${r.toLocaleString('en-US')} ${u}`;
}

/**
 * Collects spans of one reason: every span up to RAW_SPANS (in typed arrays, merged with the
 * previous one when they touch), sorted and merged at the end, of which MAX_SPANS are kept.
 * Bytes always add up, kept or not.
 */
export class SpanSink {
  bytes = 0;
  truncated = false;
  private raw = new Float64Array(64);
  private n = 0;

  /** Spans recorded so far (before the final merge): a walk may stop once this reaches RAW_SPANS. */
  get recorded(): number {
    return this.n;
  }

  add(address: number, bytes: number): void {
    if (bytes <= 0) return;
    this.bytes += bytes;
    const r = this.raw,
      k = this.n;
    if (k > 0 && r[2 * k - 2] + r[2 * k - 1] === address) {
      r[2 * k - 1] += bytes;
      return;
    }
    if (k >= RAW_SPANS) {
      this.truncated = true;
      return;
    }
    if (2 * k + 2 > r.length) {
      this.raw = new Float64Array(Math.min(r.length * 2, 2 * RAW_SPANS));
      this.raw.set(r);
    }
    this.raw[2 * k] = address;
    this.raw[2 * k + 1] = bytes;
    this.n = k + 1;
  }

  /** Bytes counted without spans (known only as a total). */
  count(bytes: number): void {
    this.bytes += bytes;
    if (bytes > 0) this.truncated = true;
  }

  done(reason: UnusableReason): Unusable {
    const r = this.raw;
    const order = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => r[2 * a] - r[2 * b]);
    const spans: Span[] = [];
    let truncated = this.truncated;
    for (const i of order) {
      const last = spans[spans.length - 1];
      if (last && last.address + last.bytes === r[2 * i]) last.bytes += r[2 * i + 1];
      else if (spans.length < MAX_SPANS) spans.push({ address: r[2 * i], bytes: r[2 * i + 1] });
      else truncated = true;
    }
    return { reason, bytes: this.bytes, spans, truncated };
  }
}

/** Keeps the TOP_RUNS largest spans (largest first, then lowest address). */
export class TopRuns {
  readonly runs: Span[] = [];
  offer(address: number, bytes: number): void {
    const r = this.runs;
    if (bytes <= 0 || (r.length === TOP_RUNS && bytes <= r[r.length - 1].bytes)) return;
    r.push({ address, bytes });
    r.sort((a, b) => b.bytes - a.bytes || a.address - b.address);
    if (r.length > TOP_RUNS) r.pop();
  }
  /** The smallest run kept when full (a walk can stop below it), else 0. */
  get floor(): number {
    return this.runs.length === TOP_RUNS ? this.runs[TOP_RUNS - 1].bytes : 0;
  }
}

/**
 * The paragraph: "<label> CPU <cpu>: <request>; <largest> is its largest free <what>; <bytes> <why>;
 * ...; <refused>." The numbers are those of the explanation's fields.
 */
export function paragraphOf(
  e: Omit<FailureExplanation, 'paragraph'>,
  what: string,
  extra: readonly string[] = [],
): string {
  const parts: string[] = [];
  // "300 B asked (320 B, 10 chunks)": the rounded size unless the class's name already says it.
  const size = e.rounded > 0 && e.rounded !== e.bytes ? formatSize(e.rounded) : null;
  const says = [size && !e.sizeClass?.startsWith(size) ? size : null, e.sizeClass].filter((x) => x !== null);
  parts.push(`${formatSize(e.bytes)} asked${says.length ? ` (${says.join(', ')})` : ''}`);
  const top = e.largest[0];
  parts.push(top ? `${formatSize(top.bytes)} is its largest free ${what}` : `it has no free ${what}`);
  for (const u of e.unusable) parts.push(`${formatSize(u.bytes)} ${WHY[u.reason]}`);
  parts.push(...extra);
  if (e.refused) parts.push(e.refused);
  return `${e.label} CPU ${e.cpu}: ${parts.join('; ')}.`;
}

/** The explanation without its spans (the CLI's --json; the overlay keeps them). */
export function explanationJson(e: FailureExplanation) {
  return {
    rounded: e.rounded,
    sizeClass: e.sizeClass,
    largest: e.largest,
    unusable: e.unusable.map((u) => ({ reason: u.reason, bytes: u.bytes })),
    refused: e.refused,
    paragraph: e.paragraph,
  };
}
export type FailureExplanationJson = ReturnType<typeof explanationJson>;
