/**
 * SLUB's parameters: what users may override (SLUB_PARAMS, with limits), the defaults of each
 * preset (versions.ts) and their validation. Kernel boot parameters keep their kernel names
 * without the slub_ prefix: minObjects (slub_min_objects), maxOrder (slub_max_order), minOrder
 * (slub_min_order).
 */
import { MAX_CPUS, MAX_PAGES } from '../../core/limits';
import { paramProblem, type ParamInfo } from '../kind';
import { PAGE_BYTES, SLUB_PRESETS, SLUB_VERSIONS, type SlubPresetName, type SlubVersion } from './versions';

export interface SlubParams {
  /** Pages of the zone the slabs and large kmallocs come from. */
  pages: number;
  /** Bytes per pixel of the map. */
  chunkBytes: number;
  /** slub_min_objects; 0: the version's default (2.6.22: 4; 3.6, 6.6: 4 * (fls(cpus) + 1)). */
  minObjects: number;
  /** slub_max_order. */
  maxOrder: number;
  /** slub_min_order. */
  minOrder: number;
  /** Per-CPU partial lists: 1 on (3.6, 6.6 default), 0 off (6.6: CONFIG_SLUB_CPU_PARTIAL=n; 3.6: cpu_partial 0). */
  cpuPartial: number;
}

/** Everything an instance is built from: a preset's version, its parameters, the CPUs. */
export interface SlubConfig extends SlubParams {
  version: SlubVersion;
  cpus: number;
  pageBytes: number;
  baseAddress: number;
}

export const SLUB_LABEL = 'SLUB';
/** Simulated address of page 0, as the other kinds (x86_64's direct map lies beyond 2^53). */
const BASE_ADDRESS = 0x2554000;
/**
 * Named caches (kmem_cache_alloc of a trace's caches) an instance can create. Our choice: a fixed
 * table (per-CPU state is sized by it); the kmalloc caches come first.
 */
export const MAX_NAMED_CACHES = 64;

export const SLUB_PARAMS: readonly ParamInfo[] = [
  { key: 'pages', doc: 'pages of the zone the slabs and large kmallocs come from', min: 1, max: MAX_PAGES },
  { key: 'chunkBytes', doc: 'bytes per pixel of the map', min: 8, max: PAGE_BYTES, powerOfTwo: true },
  {
    key: 'minObjects',
    doc: "slub_min_objects: objects a slab should hold at least (0: the version's default)",
    min: 0,
    max: 1024,
  },
  { key: 'maxOrder', doc: 'slub_max_order: the largest slab order chosen for small objects', min: 0, max: 10 },
  { key: 'minOrder', doc: 'slub_min_order: the smallest slab order', min: 0, max: 5 },
  {
    key: 'cpuPartial',
    doc: 'per-CPU partial slab lists: 1 on, 0 off (2.6.22 has none)',
    min: 0,
    max: 1,
    values: [0, 1],
  },
];

export const isSlubPreset = (name: string): name is SlubPresetName =>
  (SLUB_PRESETS as readonly string[]).includes(name);

/** A preset's defaults with the overrides applied, checked. */
export function slubConfig(preset: SlubPresetName, cpus: number, overrides: Partial<SlubParams> = {}): SlubConfig {
  const version = SLUB_VERSIONS[preset];
  const bad = (what: string): never => {
    throw new Error(`invalid SLUB parameter: ${what}`);
  };
  if (!version) bad(`preset '${String(preset)}', expected one of ${SLUB_PRESETS.join(', ')}`);
  const p: SlubParams = {
    pages: 4094,
    chunkBytes: 32,
    minObjects: 0,
    maxOrder: version.maxOrder,
    minOrder: 0,
    cpuPartial: version.cpuPartial ? 1 : 0,
    ...overrides,
  };
  for (const info of SLUB_PARAMS) {
    const v = p[info.key as keyof SlubParams];
    const problem = paramProblem(info, v);
    if (problem) bad(`${info.key}=${v}, ${problem}`);
  }
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_CPUS) bad(`cpus=${cpus}, expected 1..${MAX_CPUS}`);
  if (p.cpuPartial === 1 && !version.cpuPartial)
    bad(`cpuPartial=1, expected 0: ${version.title} has no per-CPU partial lists`);
  if (p.minOrder > p.maxOrder) bad(`minOrder=${p.minOrder}, expected at most maxOrder (${p.maxOrder})`);
  return { ...p, version, cpus, pageBytes: PAGE_BYTES, baseAddress: BASE_ADDRESS };
}
