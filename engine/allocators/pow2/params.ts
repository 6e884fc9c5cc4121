/**
 * pow2's parameters: what users may override (POW2_PARAMS, with limits), the defaults (the
 * seed's 4094 pages of 4 KiB, 32-byte chunks) and their validation.
 */
import { MAX_FIELD_BYTES } from '../../core/layout';
import { MAX_CPUS, MAX_PAGES } from '../../core/limits';
import { paramProblem, type ParamInfo } from '../kind';

export interface Pow2Params {
  /** Pages in the pool (split between CPUs). */
  pages: number;
  /** Bytes per page = largest class (power of two). */
  pageBytes: number;
  /** Snapshot granularity and smallest class (power of two). */
  chunkBytes: number;
  /** CPUs, 1..MAX_CPUS. */
  cpus: number;
  /** Simulated address of page 0. */
  baseAddress: number;
}

export const POW2_DEFAULTS: Readonly<Pow2Params> = {
  pages: 4094,
  pageBytes: 4096,
  chunkBytes: 32,
  cpus: 1,
  baseAddress: 0x2554000,
};

export const POW2_LABEL = 'pow2 (SLAB-like)';

/** The parameters users may override. */
export const POW2_PARAMS: readonly ParamInfo[] = [
  { key: 'pages', doc: 'pages in the pool, split between the CPUs in contiguous blocks', min: 1, max: MAX_PAGES },
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
  // reqBytes holds 4 bytes per chunk, and one field must fit in one buffer (core/layout.ts).
  if (r.pages * (r.pageBytes / r.chunkBytes) * 4 > MAX_FIELD_BYTES)
    bad(`pages=${r.pages}: ${r.pageBytes / r.chunkBytes} chunks a page exceed ${MAX_FIELD_BYTES / 4} chunks in all`);
  if (!Number.isSafeInteger(r.baseAddress) || r.baseAddress < 0 || r.baseAddress + r.pages * r.pageBytes > 2 ** 53)
    bad(`baseAddress=${r.baseAddress}, expected a non-negative integer`);
  return r;
}
