/**
 * What the map's hover tooltip says about one chunk (pure).
 *
 * The snapshot holds one state byte per chunk and no allocation table, so the
 * "allocation" shown is the run of same-state chunks around the hovered one
 * (adjacent allocations of the same state merge into one run). The owner CPU is
 * derived from how each allocator splits its initial pages between CPUs; NTA
 * growth pages (patch2) are owned by whichever CPU grew, which the snapshot
 * does not say.
 */
import { initialPages, ntaParams } from '../../engine/allocators/nta/presets';
import type { AllocatorSpec } from '../../engine/allocators/registry';
import { pagesOfCpu } from '../../engine/core/lock';
import { ChunkState } from '../../engine/core/types';
import type { AllocatorInfo } from '../../engine/runtime/api';
import { PALETTE } from './palette';
import { columnCounts, runAround, SORTED_ORDER } from './render-map';

export const hex = (n: number): string => `0x${n.toString(16)}`;

/** Owner CPU of a page, or null when it depends on the run (NTA growth pages). */
export function ownerCpu(spec: AllocatorSpec, cpus: number, page: number): number | null {
  if (spec.kind === 'pow2') {
    const pages = spec.overrides?.pages ?? 4094;
    for (let c = 0; c < cpus; c++) { const b = pagesOfCpu(pages, cpus, c); if (page >= b.first && page < b.first + b.count) return c; }
    return null;
  }
  const p = ntaParams(spec.preset, cpus, spec.overrides);
  if (page >= initialPages(p)) return null;
  const perNode = 1 << p.regionOrder, node = Math.floor(page / perNode);
  if (p.regionsScope === 'per-cpu') return Math.floor(node / p.regions);
  for (let c = 0; c < cpus; c++) { const b = pagesOfCpu(p.regions, cpus, c); if (node >= b.first && node < b.first + b.count) return c; }
  return null;
}

export function describeChunk(
  info: AllocatorInfo, spec: AllocatorSpec, cpus: number, states: Uint8Array, page: number, chunk: number,
): string[] {
  const cpp = info.pageBytes / info.chunkBytes;
  const code = states[page * cpp + chunk]!;
  const addr = info.baseAddress + page * info.pageBytes + chunk * info.chunkBytes;
  const owner = ownerCpu(spec, cpus, page);
  const lines = [
    `page ${page}, chunk ${chunk} (of ${cpp})`,
    `state: ${PALETTE[code]?.label ?? `code ${code}`}`,
    `chunk address ${hex(addr)}`,
    `owner CPU: ${owner ?? 'taken by growth (not in the snapshot)'}`,
  ];
  if (code !== ChunkState.Unheld) {
    const run = runAround(states, { pages: info.pages, chunksPerPage: cpp }, page, chunk);
    const start = info.baseAddress + page * info.pageBytes + run.start * info.chunkBytes;
    lines.push(`${PALETTE[code]?.label ?? 'run'} run: ${run.length} chunk${run.length === 1 ? '' : 's'} = ${run.length * info.chunkBytes} B from ${hex(start)} (chunks ${run.start}..${run.start + run.length - 1})`);
  }
  return lines;
}

/** Tooltip of a column in the sorted view: the page's totals. */
export function describeColumn(info: AllocatorInfo, spec: AllocatorSpec, cpus: number, states: Uint8Array, page: number): string[] {
  const cpp = info.pageBytes / info.chunkBytes;
  const counts = columnCounts(states, page, cpp);
  const owner = ownerCpu(spec, cpus, page);
  const lines = [`page ${page} at ${hex(info.baseAddress + page * info.pageBytes)}`, `owner CPU: ${owner ?? 'taken by growth'}`];
  for (const code of SORTED_ORDER) if (counts[code]! > 0) lines.push(`${PALETTE[code]!.label}: ${counts[code]} chunks (${counts[code]! * info.chunkBytes} B)`);
  return lines;
}
