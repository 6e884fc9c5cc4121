/**
 * NTA presets (docs/models.md 1.6). Every field can be overridden.
 *
 * - blog:   the seed's userspace model (2 and 6 Aug 2006): 32-byte chunks, 4094
 *           one-page nodes in total, no growth.
 * - patch1: "[PATCH 1/1] network memory allocator" (14 Aug 2006): order-2 (16 KiB)
 *           nodes, 1021 of them per CPU, no growth ("NTA steals pages and never
 *           return them back").
 * - patch2: "[PATCH2 1/1]" (16 Aug 2006): chunk = L1 line, order-3 (32 KiB) nodes,
 *           8 per CPU (AVL_NODE_NUM = 1 << AVL_BITS), and when an allocation finds
 *           nothing, avl_node_entry_alloc(gfp, 0) adds 8 order-0 pages to the CPU
 *           and the allocation is retried once.
 */
import { MAX_FIELD_BYTES } from '../../core/layout';
import { MAX_CPUS, MAX_PAGES } from '../../core/limits';
import { paramProblem, type ParamInfo } from '../kind';

export interface NtaParams {
  preset: NtaPresetName;
  /** AVL_MIN_SIZE: the chunk (allocation unit) in bytes. */
  chunkBytes: number;
  pageBytes: number;
  /** Order of the initial nodes: 2^order pages each (AVL_ORDER). */
  regionOrder: number;
  /** Initial node count; `regionsScope` says whether it is per CPU or in total. */
  regions: number;
  regionsScope: 'per-cpu' | 'total';
  /** Pages added per growth (order-0 nodes); 0 = no growth. */
  growPages: number;
  /** Capacity in pages: initial nodes plus room to grow. Growth fails beyond it. */
  maxPages: number;
  cpus: number;
  /**
   * 1 = also drain this CPU's remote-free list at the start of every allocation, as the seed
   * proposed (11 Aug 2006: "when CPU, where allocation originally happend, is going to perform
   * next freeing or allocation, it can combine those batched objects"); 0 (default) = the
   * posted code, which drains in avl_free only.
   */
  drainOnAlloc: number;
  /** Simulated address of page 0 (the seed's log shows 0x2554000). */
  baseAddress: number;
  /** Simulated address of node 0's metadata, for the debug log (the seed shows 0x523800). */
  nodeAddress: number;
}

export const NTA_LABEL = 'NTA';

export type NtaPresetName = 'blog' | 'patch1' | 'patch2';
export const NTA_PRESETS: readonly NtaPresetName[] = ['blog', 'patch1', 'patch2'];

/** The parameters users may override, with their limits (the rest are derived or fixed). */
export const NTA_PARAMS: readonly ParamInfo[] = [
  {
    key: 'chunkBytes',
    doc: 'AVL_MIN_SIZE: the chunk (allocation unit) in bytes',
    min: 8,
    max: 1 << 16,
    powerOfTwo: true,
  },
  // At most 64 KiB: a region (2^order pages) is then at most 2^22 bytes, which keeps an allocation's
  // bytes and kind in one i32 (layout.ts, `block`).
  { key: 'pageBytes', doc: 'bytes per page (at least 32 chunks)', min: 256, max: 1 << 16, powerOfTwo: true },
  { key: 'regionOrder', doc: 'order of the initial nodes: 2^order pages each (AVL_ORDER)', min: 0, max: 6 },
  {
    key: 'regions',
    doc: 'initial nodes: per CPU (patch1, patch2) or in total (blog)',
    min: 1,
    max: MAX_PAGES,
  },
  { key: 'growPages', doc: 'one-page nodes added per growth (PATCH2); 0 = no growth', min: 0, max: MAX_PAGES },
  {
    key: 'maxPages',
    doc: 'capacity in pages: the initial nodes plus room to grow (0 = the preset default)',
    min: 0,
    max: MAX_PAGES,
  },
  {
    key: 'drainOnAlloc',
    doc: "0 = drain the remote-free queue in free only (the patches); 1 = at the owner's next allocation too (the seed's proposal, 11 Aug 2006)",
    min: 0,
    max: 1,
    values: [0, 1],
  },
];

const COMMON = { pageBytes: 4096, baseAddress: 0x2554000, nodeAddress: 0x523800, drainOnAlloc: 0 };

/** Full parameters for a preset and CPU count, with overrides applied and checked. */
export function ntaParams(preset: NtaPresetName = 'blog', cpus = 1, overrides: Partial<NtaParams> = {}): NtaParams {
  let p: NtaParams;
  switch (preset) {
    case 'blog':
      p = {
        ...COMMON,
        preset,
        chunkBytes: 32,
        regionOrder: 0,
        regions: 4094,
        regionsScope: 'total',
        growPages: 0,
        maxPages: 4094,
        cpus,
      };
      break;
    case 'patch1':
      p = {
        ...COMMON,
        preset,
        chunkBytes: 32,
        regionOrder: 2,
        regions: 1021,
        regionsScope: 'per-cpu',
        growPages: 0,
        maxPages: 0,
        cpus,
      };
      break;
    case 'patch2':
      // Capacity: we choose 4094 pages (the blog model's memory) so presets compare on equal memory.
      p = {
        ...COMMON,
        preset,
        chunkBytes: 32,
        regionOrder: 3,
        regions: 8,
        regionsScope: 'per-cpu',
        growPages: 8,
        maxPages: 4094,
        cpus,
      };
      break;
    default:
      throw new Error(`unknown NTA preset '${String(preset)}': expected one of ${NTA_PRESETS.join(', ')}`);
  }
  p = { ...p, ...overrides };
  // Without growth the capacity is the initial nodes; with growth at least them (patch2's
  // 8 nodes of 8 pages on each of 64 CPUs take 4096 pages, more than its default 4094).
  if (!overrides.maxPages) p.maxPages = p.growPages === 0 ? initialPages(p) : Math.max(p.maxPages, initialPages(p));
  validate(p);
  return p;
}

/** Pages taken at start, over all CPUs. */
export function initialPages(p: NtaParams): number {
  const perRegion = 1 << p.regionOrder;
  return (p.regionsScope === 'total' ? p.regions : p.regions * p.cpus) * perRegion;
}

function validate(p: NtaParams): void {
  const bad = (what: string): never => {
    throw new Error(`invalid NTA parameter: ${what}`);
  };
  for (const info of NTA_PARAMS) {
    const value = p[info.key as keyof NtaParams] as number;
    const problem = paramProblem(info, value);
    if (problem) bad(`${info.key}=${value}, ${problem}`);
  }
  if (p.pageBytes < p.chunkBytes * 32) bad(`pageBytes=${p.pageBytes}, expected a power of two >= 32 chunks`);
  if (!Number.isInteger(p.cpus) || p.cpus < 1 || p.cpus > MAX_CPUS) bad(`cpus=${p.cpus}, expected 1..${MAX_CPUS}`);
  if (p.regionsScope === 'total' && p.regions < p.cpus)
    bad(`regions=${p.regions} in total is fewer than cpus=${p.cpus}`);
  const init = initialPages(p);
  if (init > MAX_PAGES) bad(`${init} initial pages, expected at most ${MAX_PAGES}`);
  if (p.maxPages < init) bad(`maxPages=${p.maxPages}, expected >= the ${init} initial pages`);
  // The per-chunk fields hold 4 bytes per chunk, and one field must fit in one buffer (core/layout.ts).
  if (p.maxPages * (p.pageBytes / p.chunkBytes) * 4 > MAX_FIELD_BYTES)
    bad(`maxPages=${p.maxPages} of ${p.pageBytes / p.chunkBytes} chunks: more than ${MAX_FIELD_BYTES / 4} chunks`);
  if (!Number.isSafeInteger(p.baseAddress) || p.baseAddress < 0 || p.baseAddress + p.maxPages * p.pageBytes > 2 ** 53)
    bad(`baseAddress=${p.baseAddress}, expected a non-negative integer leaving room for the pool below 2^53`);
}
