/**
 * The buddy page allocator as the registry sees it: its pool (pages, map granularity), no presets,
 * and no page owner (no CPU owns a page of the zone).
 */
import type { AllocatorKind, ParamInfo } from '../kind';
import { paramProblem } from '../kind';
import { MAX_CPUS, MAX_PAGES } from '../../core/limits';
import { BuddyAllocator, BUDDY_CAPABILITIES, type BuddyParams } from './buddy';

export interface BuddySpec {
  kind: 'buddy';
  overrides?: Partial<Pick<BuddyParams, 'pages' | 'chunkBytes'>>;
}

/** x86's PAGE_SIZE, and the address of page 0 the other kinds use too. */
const PAGE_BYTES = 4096;
const BASE_ADDRESS = 0x2554000;

export const BUDDY_PARAMS: readonly ParamInfo[] = [
  { key: 'pages', doc: 'pages in the zone (the pool every CPU allocates from)', min: 1, max: MAX_PAGES },
  {
    key: 'chunkBytes',
    doc: 'bytes per pixel of the map (the snapshot unit)',
    min: 8,
    max: PAGE_BYTES,
    powerOfTwo: true,
  },
];

export function buddyParams(spec: BuddySpec, cpus: number): BuddyParams {
  const p = { pages: 4094, chunkBytes: 32, ...spec.overrides };
  for (const info of BUDDY_PARAMS) {
    const v = p[info.key as 'pages' | 'chunkBytes'];
    const problem = paramProblem(info, v);
    if (problem) throw new Error(`invalid buddy parameter: ${info.key}=${v}, ${problem}`);
  }
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_CPUS)
    throw new Error(`invalid buddy parameter: cpus=${cpus}, expected 1..${MAX_CPUS}`);
  return { ...p, pageBytes: PAGE_BYTES, cpus, baseAddress: BASE_ADDRESS };
}

export const BUDDY_KIND: AllocatorKind<BuddySpec> = {
  kind: 'buddy',
  label: 'buddy (page allocator)',
  presets: [],
  params: BUDDY_PARAMS,
  capabilities: BUDDY_CAPABILITIES,
  values(spec, cpus) {
    const p = buddyParams(spec, cpus);
    return { pages: p.pages, chunkBytes: p.chunkBytes };
  },
  bytesNeeded: (spec, cpus) => BuddyAllocator.bytesNeeded(buddyParams(spec, cpus)),
  geometry(spec, cpus) {
    const p = buddyParams(spec, cpus);
    return { chunkBytes: p.chunkBytes, pageBytes: p.pageBytes, pages: p.pages, baseAddress: p.baseAddress };
  },
  create: (spec, cpus, buffers, init = true) => new BuddyAllocator(buddyParams(spec, cpus), buffers, init),
  pageOwner: () => null,
};
