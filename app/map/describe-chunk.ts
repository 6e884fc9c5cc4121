/**
 * What the map's hover tooltip says about one chunk (pure).
 *
 * The snapshot holds one state byte per chunk and no allocation table, so the
 * block (allocation or free run: address, requested and rounded bytes) and the
 * real owner CPU come from the allocator itself (ControlApi.blockAt, asked by the
 * map at most every ~50 ms). Until that answer arrives the tooltip shows what
 * the snapshot alone gives: the run of same-state chunks around the hovered one
 * (adjacent allocations of the same state merge into one run) and the owner CPU
 * derived from how each allocator splits its initial pages between CPUs (the registry's
 * pageOwner; NTA growth pages, owned by whichever CPU grew, are unknown there).
 */
import { pageOwner, type AllocatorSpec } from '../../engine/allocators/registry';
import { ChunkState, type BlockInfo } from '../../engine/core/types';
import type { AllocatorInfo } from '../../engine/runtime/api';
import { hex } from '../render/format';
import { PALETTE } from '../render/palette';
import { columnCounts, runAround, SORTED_ORDER } from '../render/render-map';

/** One line about the block holding the hovered chunk, e.g. "allocation 0x2554080: 200 B requested, 224 B rounded (7 chunks)". */
export function describeBlock(b: BlockInfo, chunkBytes: number): string {
  const chunks = b.bytes / chunkBytes;
  const n = `${chunks} chunk${chunks === 1 ? '' : 's'}`;
  if (b.kind === 'unheld') return `unheld page ${hex(b.start)}: ${b.bytes} B`;
  if (b.kind === 'free') return `free block ${hex(b.start)}: ${b.bytes} B (${n})`;
  if (b.kind === 'waste') return `unusable ${hex(b.start)}: ${b.bytes} B (${n}) no allocation can get`;
  return `${b.kind} ${hex(b.start)}: ${b.requested} B requested, ${b.bytes} B rounded (${n})`;
}

/**
 * Tooltip lines of one chunk. `block` is the allocator's answer for this chunk when it has
 * arrived (undefined: not yet; null: the allocator knows no block there).
 */
export function describeChunk(
  info: AllocatorInfo,
  spec: AllocatorSpec,
  cpus: number,
  states: Uint8Array,
  page: number,
  chunk: number,
  block?: BlockInfo | null,
): string[] {
  const cpp = info.pageBytes / info.chunkBytes;
  const code = states[page * cpp + chunk];
  const addr = info.baseAddress + page * info.pageBytes + chunk * info.chunkBytes;
  const owner = block
    ? block.owner >= 0
      ? String(block.owner)
      : 'none (page not taken)'
    : (pageOwner(spec, cpus, page) ?? 'taken by growth (not in the snapshot)');
  const lines = [
    `page ${page}, chunk ${chunk} (of ${cpp})`,
    `state: ${PALETTE[code]?.label ?? `code ${code}`}`,
    `chunk address ${hex(addr)}`,
    `owner CPU: ${owner}`,
  ];
  if (block) {
    lines.push(describeBlock(block, info.chunkBytes), ...(block.detail ?? []));
  } else if (code !== ChunkState.Unheld) {
    const run = runAround(states, { pages: info.pages, chunksPerPage: cpp }, page, chunk);
    const start = info.baseAddress + page * info.pageBytes + run.start * info.chunkBytes;
    lines.push(
      `${PALETTE[code]?.label ?? 'run'} run: ${run.length} chunk${run.length === 1 ? '' : 's'} = ${run.length * info.chunkBytes} B from ${hex(start)} (chunks ${run.start}..${run.start + run.length - 1})`,
    );
  }
  return lines;
}

/** Tooltip of a column in the sorted view: the page's totals. */
export function describeColumn(
  info: AllocatorInfo,
  spec: AllocatorSpec,
  cpus: number,
  states: Uint8Array,
  page: number,
): string[] {
  const cpp = info.pageBytes / info.chunkBytes;
  const counts = columnCounts(states, page, cpp);
  const owner = pageOwner(spec, cpus, page);
  const lines = [
    `page ${page} at ${hex(info.baseAddress + page * info.pageBytes)}`,
    `owner CPU: ${owner ?? 'taken by growth'}`,
  ];
  for (const code of SORTED_ORDER)
    if (counts[code] > 0)
      lines.push(`${PALETTE[code].label}: ${counts[code]} chunks (${counts[code] * info.chunkBytes} B)`);
  return lines;
}
