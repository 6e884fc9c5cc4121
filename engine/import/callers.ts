/**
 * Statistics per call site, as `perf kmem stat --caller` reports them for the kernel's own
 * allocator, here for every allocator under comparison: per call site (the op buffer's
 * `site` column), allocations and frees, bytes requested, bytes each allocator handed out
 * (Allocator.handedOut of each request it served), internal fragmentation, and cross-CPU
 * frees ("ping-pong": freed on another CPU than the one that allocated).
 *
 * Computed from the op buffer and the lanes' outcome rings chunk by chunk as a run goes
 * (`add` after each chunk of at most OUT_RING op indices), so nothing is stored per op:
 * per slot, the site and CPU of its live allocation; per site, a few counters.
 *
 * Frees are counted at the allocation's call site (as perf does); a free the trace only
 * implies (F_IMPLIED) and the free paired with a request the trace records as failed
 * (F_TRACE_FAILED) are not frees of the site.
 */
import { F_HUGE, F_IMPLIED, F_TRACE_FAILED, K_ALLOC, K_FREE, type OpBuffer } from '../core/op-buffer';
import type { Allocator } from '../core/types';

/** One call site's row. */
export interface CallerRow {
  site: string;
  allocations: number;
  frees: number;
  /** Requests at this site the trace records as failed. */
  failedInTrace: number;
  bytesRequested: number;
  /** The traced allocator's bytes (kmem bytes_alloc), 0 when the trace does not say. */
  tracedBytes: number;
  /** Frees on another CPU than the allocation's. */
  crossCpuFrees: number;
  /** Per allocator (lane order): what it handed out for this site's requests, and the requests it could not serve. */
  lanes: { handedOut: number; requestedServed: number; failed: number }[];
}

/** The size a lane outcome ring keeps (lanes' outcome of op i is at i & (ring - 1)). */
interface LaneOutcomes {
  outcomes: Float64Array;
}

export class CallerStats {
  private readonly n: number;
  private slotSite = new Int32Array(1024);
  private slotCpu = new Uint8Array(1024);
  // Per site (indexed by the op buffer's site column).
  private readonly allocs: Float64Array;
  private readonly frees: Float64Array;
  private readonly failedInTrace: Float64Array;
  private readonly requested: Float64Array;
  private readonly traced: Float64Array;
  private readonly cross: Float64Array;
  /** Per lane, per site: bytes handed out, bytes requested of the requests served, requests failed. */
  private readonly handed: Float64Array[];
  private readonly served: Float64Array[];
  private readonly laneFailed: Float64Array[];

  constructor(
    private readonly ops: OpBuffer,
    private readonly sites: readonly string[],
    private readonly allocators: readonly Allocator[],
  ) {
    this.n = sites.length;
    const z = (): Float64Array => new Float64Array(this.n);
    this.allocs = z();
    this.frees = z();
    this.failedInTrace = z();
    this.requested = z();
    this.traced = z();
    this.cross = z();
    this.handed = allocators.map(z);
    this.served = allocators.map(z);
    this.laneFailed = allocators.map(z);
  }

  /** Ops [from, to) have run on every lane (to - from at most the outcome ring's size). */
  add(lanes: readonly LaneOutcomes[], from: number, to: number): void {
    const b = this.ops;
    if (!b.withTrace) return;
    const mask = lanes.length > 0 ? lanes[0].outcomes.length - 1 : 0;
    for (let i = from; i < to; i++) {
      const p = i & b.mask;
      const kind = b.kind[p];
      if (kind !== K_ALLOC && kind !== K_FREE) continue;
      const slot = b.slot[p];
      const flags = b.flags[p];
      if (slot >= this.slotSite.length) this.grow(slot);
      if (kind === K_ALLOC) {
        const site = b.site[p];
        if (flags & F_TRACE_FAILED) {
          this.failedInTrace[site]++;
          this.slotSite[slot] = -1;
          continue;
        }
        const bytes = flags & F_HUGE ? Infinity : b.size[p];
        this.slotSite[slot] = site;
        this.slotCpu[slot] = b.cpu[p];
        this.allocs[site]++;
        this.requested[site] += bytes;
        this.traced[site] += b.alloc[p];
        for (let k = 0; k < this.allocators.length; k++) {
          if (lanes[k].outcomes[i & mask] >= 0) {
            this.handed[k][site] += this.allocators[k].handedOut(bytes);
            this.served[k][site] += bytes;
          } else this.laneFailed[k][site]++;
        }
        continue;
      }
      const site = this.slotSite[slot];
      if (site < 0 || flags & (F_IMPLIED | F_TRACE_FAILED)) continue;
      this.frees[site]++;
      if (b.cpu[p] !== this.slotCpu[slot]) this.cross[site]++;
    }
  }

  /** Every call site with an allocation, largest bytes requested first; at most `limit` rows (0 = all). */
  rows(limit = 0): CallerRow[] {
    const rows: CallerRow[] = [];
    for (let s = 0; s < this.n; s++) {
      if (this.allocs[s] === 0 && this.failedInTrace[s] === 0) continue;
      rows.push({
        site: s === 0 ? '(no call site)' : this.sites[s],
        allocations: this.allocs[s],
        frees: this.frees[s],
        failedInTrace: this.failedInTrace[s],
        bytesRequested: this.requested[s],
        tracedBytes: this.traced[s],
        crossCpuFrees: this.cross[s],
        lanes: this.allocators.map((_, k) => ({
          handedOut: this.handed[k][s],
          requestedServed: this.served[k][s],
          failed: this.laneFailed[k][s],
        })),
      });
    }
    rows.sort((a, b) => b.bytesRequested - a.bytesRequested || a.site.localeCompare(b.site));
    return limit > 0 ? rows.slice(0, limit) : rows;
  }

  private grow(slot: number): void {
    const n = Math.max(slot + 1, this.slotSite.length * 2);
    const s = new Int32Array(n);
    s.set(this.slotSite);
    const c = new Uint8Array(n);
    c.set(this.slotCpu);
    [this.slotSite, this.slotCpu] = [s, c];
  }
}

/** perf kmem's fragmentation of a row: 100 - 100 * requested / handed out (0 when nothing was handed out). */
export function fragmentationPct(requested: number, handedOut: number): number {
  return handedOut > 0 ? 100 - (100 * requested) / handedOut : 0;
}
