/**
 * pow2's parameters: what users may override (POW2_PARAMS, with limits), the defaults (the
 * seed's 4094 pages of 4 KiB, 32-byte chunks, classes up to 131072 bytes) and their validation.
 */
import { MAX_FIELD_BYTES } from '../../core/layout';
import { MAX_CPUS, MAX_PAGES } from '../../core/limits';
import { paramProblem, type ParamInfo } from '../kind';
import { MAX_ORDER } from '../buddy/zone';

/**
 * The largest class by default: Linux 2.6.18's largest general cache with an MMU,
 * include/linux/kmalloc_sizes.h CACHE(131072) (32 pages of 4 KiB, an order-5 slab), as the issue
 * asks ("pow2 and SLAB serve classes above a page from higher-order slabs").
 */
export const KMALLOC_MAX_2618 = 131072;
/** reqBytes holds a request in an i32: no class above this. */
const MAX_CLASS_LIMIT = 2 ** 30;

export interface Pow2Params {
  /** Pages in the pool (split between CPUs). */
  pages: number;
  /** Bytes per page = largest class (power of two). */
  pageBytes: number;
  /** Snapshot granularity and smallest class (power of two). */
  chunkBytes: number;
  /**
   * The largest class (power of two); classes above a page take a block of their size from the
   * zone. 0 = the default: KMALLOC_MAX_2618, or the zone's largest block when that is smaller.
   */
  maxClassBytes: number;
  /** CPUs, 1..MAX_CPUS. */
  cpus: number;
  /** Simulated address of page 0. */
  baseAddress: number;
}

export const POW2_DEFAULTS: Readonly<Pow2Params> = {
  pages: 4094,
  pageBytes: 4096,
  chunkBytes: 32,
  maxClassBytes: 0,
  cpus: 1,
  baseAddress: 0x2554000,
};

export const POW2_LABEL = 'pow2 (SLAB-like)';

/** The parameters users may override. */
export const POW2_PARAMS: readonly ParamInfo[] = [
  { key: 'pages', doc: 'pages of the buddy zone the classes take their pages from', min: 1, max: MAX_PAGES },
  {
    key: 'pageBytes',
    doc: 'bytes per page, the largest size class',
    min: 32,
    max: 1 << 24,
    powerOfTwo: true,
  },
  {
    key: 'chunkBytes',
    doc: 'the smallest size class, and one pixel of the map',
    min: 1,
    max: 1 << 24,
    powerOfTwo: true,
  },
  {
    key: 'maxClassBytes',
    doc: 'the largest class, a power of two; classes above a page take a block of their size from the zone (0 = 131072, as Linux 2.6.18)',
    min: 0,
    max: MAX_CLASS_LIMIT,
  },
];

/** Full parameters with the defaults filled in, checked; worded as NTA's (invalid NTA parameter: ...). */
export function resolvePow2(p: Partial<Pow2Params>): Pow2Params {
  const r = { ...POW2_DEFAULTS, ...p };
  const bad = (what: string): never => {
    throw new Error(`invalid pow2 parameter: ${what}`);
  };
  for (const info of POW2_PARAMS) {
    const problem = paramProblem(info, r[info.key as keyof Pow2Params]);
    if (problem) bad(`${info.key}=${r[info.key as keyof Pow2Params]}, ${problem}`);
  }
  if (!Number.isInteger(r.cpus) || r.cpus < 1 || r.cpus > MAX_CPUS) bad(`cpus=${r.cpus}, expected 1..${MAX_CPUS}`);
  if (r.chunkBytes > r.pageBytes)
    bad(`chunkBytes=${r.chunkBytes}, expected a power of two <= pageBytes (${r.pageBytes})`);
  const largestBlock = r.pageBytes * 2 ** (MAX_ORDER - 1);
  if (r.maxClassBytes === 0) r.maxClassBytes = Math.min(KMALLOC_MAX_2618, largestBlock, MAX_CLASS_LIMIT);
  const m = r.maxClassBytes;
  if ((m & (m - 1)) !== 0 || m < r.chunkBytes || m > Math.min(largestBlock, MAX_CLASS_LIMIT))
    bad(
      `maxClassBytes=${m}, expected 0 or a power of two from chunkBytes (${r.chunkBytes}) to ${Math.min(largestBlock, MAX_CLASS_LIMIT)} (the zone's largest block)`,
    );
  // reqBytes holds 4 bytes per chunk, and one field must fit in one buffer (core/layout.ts).
  if (r.pages * (r.pageBytes / r.chunkBytes) * 4 > MAX_FIELD_BYTES)
    bad(`pages=${r.pages}: ${r.pageBytes / r.chunkBytes} chunks a page exceed ${MAX_FIELD_BYTES / 4} chunks in all`);
  if (!Number.isSafeInteger(r.baseAddress) || r.baseAddress < 0 || r.baseAddress + r.pages * r.pageBytes > 2 ** 53)
    bad(`baseAddress=${r.baseAddress}, expected a non-negative integer`);
  return r;
}
