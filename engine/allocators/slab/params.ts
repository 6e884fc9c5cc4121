/**
 * SLAB's parameters: the presets (three builds of Linux 2.6.18), what users may override
 * (SLAB_PARAMS, with limits) and their validation.
 *
 * A preset fixes what the kernel build and the machine decide (mm/slab.c of v2.6.18):
 * - l1Bytes: L1_CACHE_BYTES, a compile-time constant (CONFIG_X86_L1_CACHE_SHIFT:
 *   arch/x86_64/Kconfig gives 6 for MK8 and 7 for GENERIC_CPU and MPSC; arch/i386/Kconfig.cpu
 *   gives 5 for M686, MPENTIUMII/III, MK6 and others). It decides the size classes
 *   (include/linux/kmalloc_sizes.h: 96 only if L1_CACHE_BYTES < 64, 192 only if < 128).
 * - lineBytes: cache_line_size(), read at boot (include/asm-x86_64/processor.h and
 *   include/asm-i386/processor.h: boot_cpu_data.x86_cache_alignment): the objects' alignment and the colour step
 *   (kmem_cache_create). Our choice: each preset's machine has lines of its build's
 *   L1_CACHE_BYTES (a K8 for x86_64, an EM64T Pentium 4 with 128-byte x86_cache_alignment
 *   for the generic build, a Pentium III for i386).
 * - wordBytes: BYTES_PER_WORD, sizeof(void *): 8 or 4; struct slab is 48 or 28 bytes.
 * - pages: the zone the caches take their pages from (the other models' 4094 pages).
 * - opsPerSecond: the simulated clock of cache_reap (see slab.ts).
 */
import { MAX_FIELD_BYTES } from '../../core/layout';
import { MAX_CPUS, MAX_PAGES } from '../../core/limits';
import { paramProblem, type ParamInfo } from '../kind';

export type SlabPresetName = '2.6.18-x86_64' | '2.6.18-x86_64-generic' | '2.6.18-i386';
export const SLAB_PRESETS: readonly SlabPresetName[] = ['2.6.18-x86_64', '2.6.18-x86_64-generic', '2.6.18-i386'];

export interface SlabParams {
  preset: SlabPresetName;
  /** Pages in the zone (the buddy allocator's pool the caches grow from). */
  pages: number;
  /** L1_CACHE_BYTES of the build: which size classes exist. */
  l1Bytes: number;
  /** cache_line_size() of the machine: object alignment and colour offset. */
  lineBytes: number;
  /** BYTES_PER_WORD (sizeof(void *)). */
  wordBytes: number;
  /** Simulated ops per second on each CPU, for cache_reap's 2 s and 4 s timers; 0 = never reap. */
  opsPerSecond: number;
  cpus: number;
  /** Simulated address of page 0. */
  baseAddress: number;
}

export const SLAB_LABEL = 'SLAB';
/** Bytes per page (PAGE_SIZE on x86) and per chunk (one pixel of the map): every slab offset is a multiple of 32. */
export const SLAB_PAGE_BYTES = 4096;
export const SLAB_CHUNK_BYTES = 32;

/**
 * Our choice (opsPerSecond): 100,000 kmalloc/kfree calls per second on each CPU, about what a
 * gigabit link of full-size frames costs (81,000 frames/s, one skb data kmalloc and one kfree
 * each). cache_reap then runs every 200,000 ops of a CPU, so its draining shows within the
 * runs the app plays; 0 turns reaping off.
 */
export const DEFAULT_OPS_PER_SECOND = 100_000;

const PRESET_VALUES: Record<SlabPresetName, Pick<SlabParams, 'l1Bytes' | 'lineBytes' | 'wordBytes'>> = {
  '2.6.18-x86_64': { l1Bytes: 64, lineBytes: 64, wordBytes: 8 },
  '2.6.18-x86_64-generic': { l1Bytes: 128, lineBytes: 128, wordBytes: 8 },
  '2.6.18-i386': { l1Bytes: 32, lineBytes: 32, wordBytes: 4 },
};

/** The parameters users may override (CLI --slab KEY=VALUE, URL a0.KEY=VALUE). */
export const SLAB_PARAMS: readonly ParamInfo[] = [
  { key: 'pages', doc: 'pages in the zone the caches take their slabs from', min: 1, max: MAX_PAGES },
  {
    key: 'l1Bytes',
    doc: 'L1_CACHE_BYTES of the build: size-96 exists below 64, size-192 below 128',
    min: 32,
    max: 128,
    values: [32, 64, 128],
  },
  {
    key: 'lineBytes',
    doc: "cache_line_size() of the machine: the objects' alignment and the colour step",
    min: 32,
    max: 128,
    values: [32, 64, 128],
  },
  { key: 'wordBytes', doc: 'BYTES_PER_WORD: 8 on x86_64, 4 on i386', min: 4, max: 8, values: [4, 8] },
  {
    key: 'opsPerSecond',
    doc: "ops per simulated second on each CPU: cache_reap runs every 2 s of a CPU's ops (0 = never)",
    min: 0,
    max: 1_000_000_000,
  },
];

/** Full parameters of a preset on `cpus` CPUs, overrides applied and checked. */
export function slabParams(
  preset: SlabPresetName = SLAB_PRESETS[0],
  cpus = 1,
  overrides: Partial<SlabParams> = {},
): SlabParams {
  const bad = (what: string): never => {
    throw new Error(`invalid SLAB parameter: ${what}`);
  };
  if (!SLAB_PRESETS.includes(preset))
    throw new Error(`unknown SLAB preset '${String(preset)}': expected one of ${SLAB_PRESETS.join(', ')}`);
  const p: SlabParams = {
    preset,
    pages: 4094,
    ...PRESET_VALUES[preset],
    opsPerSecond: DEFAULT_OPS_PER_SECOND,
    cpus,
    baseAddress: 0x2554000,
    ...overrides,
  };
  for (const info of SLAB_PARAMS) {
    const value = p[info.key as keyof SlabParams] as number;
    const problem = paramProblem(info, value);
    if (problem) bad(`${info.key}=${value}, ${problem}`);
  }
  if (!Number.isInteger(p.cpus) || p.cpus < 1 || p.cpus > MAX_CPUS) bad(`cpus=${p.cpus}, expected 1..${MAX_CPUS}`);
  // Three fields hold 4 bytes per chunk, and one field must fit in one buffer (core/layout.ts).
  if (p.pages * (SLAB_PAGE_BYTES / SLAB_CHUNK_BYTES) * 4 > MAX_FIELD_BYTES)
    bad(`pages=${p.pages}: more than ${MAX_FIELD_BYTES / 4} chunks`);
  if (!Number.isSafeInteger(p.baseAddress) || p.baseAddress < 0 || p.baseAddress + p.pages * SLAB_PAGE_BYTES > 2 ** 53)
    bad(`baseAddress=${p.baseAddress}, expected a non-negative integer leaving room for the pool below 2^53`);
  return p;
}
