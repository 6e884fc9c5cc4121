/**
 * Where NTA's initial nodes (regions) lie and whose they are, from the parameters alone.
 *
 * Region r covers pages [r << regionOrder, (r + 1) << regionOrder). The initial regions are
 * 0 .. initialRegions-1; each CPU's are contiguous and in address order, so that "the regions
 * of this CPU not touched yet" is one range [next, end) per CPU (the virtual prefix of its
 * full-region list, see layout.ts). Growth pages (PATCH2) come after them and belong to
 * whichever CPU grew: only the allocator's state knows those.
 */
import { pagesOfCpu } from '../../core/lock';
import { initialPages, type NtaParams } from './presets';

export { initialPages };

/** Initial regions of `cpu`: region indices [first, first + count). */
export function initialRegions(p: NtaParams, cpu: number): { first: number; count: number } {
  return p.regionsScope === 'total' ? pagesOfCpu(p.regions, p.cpus, cpu) : { first: cpu * p.regions, count: p.regions };
}

/** Owner CPU of initial region `r` (0 <= r < initial regions): the inverse of initialRegions. */
export function initialRegionOwner(p: NtaParams, r: number): number {
  if (p.regionsScope === 'per-cpu') return Math.floor(r / p.regions);
  // pagesOfCpu: the first `extra` CPUs get base + 1 regions.
  const base = Math.floor(p.regions / p.cpus),
    extra = p.regions % p.cpus,
    big = extra * (base + 1);
  return r < big ? Math.floor(r / (base + 1)) : extra + Math.floor((r - big) / base);
}

/** Owner CPU of `page` when it is an initial page, else null (a growth page: owned by whoever grew). */
export function initialPageOwner(p: NtaParams, page: number): number | null {
  if (!(page >= 0 && page < initialPages(p))) return null;
  return initialRegionOwner(p, page >> p.regionOrder);
}
