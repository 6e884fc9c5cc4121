/**
 * What the map's hover tooltip says (pure): about one chunk, one page (sorted view), or a
 * pixel that stands for many pages (their totals per state).
 *
 * Chunk states carry no allocation table, so the block (allocation or free run: address,
 * requested and rounded bytes) and the real owner CPU come from the allocator itself
 * (ControlApi.blockAt, asked by the map at most every ~50 ms). Until that answer arrives the
 * tooltip shows what the page's states alone give: the run of same-state chunks around the
 * hovered one (adjacent allocations of the same state merge into one run) and the owner CPU
 * derived from how each allocator splits its initial pages between CPUs (the registry's
 * pageOwner; NTA growth pages,
 * owned by whichever CPU grew, are unknown there).
 */
import { pageOwner, type AllocatorSpec } from '../../engine/allocators/registry';
import { ChunkState, type BlockInfo } from '../../engine/core/types';
import type { AllocatorInfo } from '../../engine/runtime/api';
import { hex } from '../render/format';
import { PALETTE } from '../render/palette';
import { columnCounts, runAround, SORTED_ORDER } from '../render/render-map';
import type { HoverReply } from './map-protocol';

/** What the tooltip needs of an allocator's geometry. */
export type MapGeometryInfo = Pick<AllocatorInfo, 'chunkBytes' | 'pageBytes' | 'pages' | 'baseAddress'>;

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
 * Tooltip lines of one chunk; `states` are its page's chunk states. `block` is the allocator's
 * answer for this chunk when it has arrived (undefined: not yet; null: the allocator knows no
 * block there).
 */
export function describeChunk(
  info: MapGeometryInfo,
  spec: AllocatorSpec,
  cpus: number,
  states: Uint8Array,
  page: number,
  chunk: number,
  block?: BlockInfo | null,
): string[] {
  const cpp = info.pageBytes / info.chunkBytes;
  const code = states[chunk];
  const addr = info.baseAddress + page * info.pageBytes + chunk * info.chunkBytes;
  const owner = block
    ? block.owner >= 0
      ? String(block.owner)
      : block.cache
        ? "none (a cache's slab: every CPU allocates from it)"
        : 'none (page not taken)'
    : (pageOwner(spec, cpus, page) ?? 'taken by growth (the allocator knows which)');
  const lines = [
    `page ${page}, chunk ${chunk} (of ${cpp})`,
    `state: ${PALETTE[code]?.label ?? `code ${code}`}`,
    `chunk address ${hex(addr)}`,
    `owner CPU: ${owner}`,
  ];
  if (block) {
    lines.push(describeBlock(block, info.chunkBytes));
    // Kernel slab allocators: which cache the block belongs to (size-192, kmalloc-96...).
    if (block.cache) lines.push(`cache: ${block.cache}`);
    lines.push(...(block.detail ?? []));
  } else if (code !== ChunkState.Unheld) {
    const run = runAround(states, { pages: 1, chunksPerPage: cpp }, 0, chunk);
    const start = info.baseAddress + page * info.pageBytes + run.start * info.chunkBytes;
    lines.push(
      `${PALETTE[code]?.label ?? 'run'} run: ${run.length} chunk${run.length === 1 ? '' : 's'} = ${run.length * info.chunkBytes} B from ${hex(start)} (chunks ${run.start}..${run.start + run.length - 1})`,
    );
  }
  return lines;
}

/** Tooltip of a column in the sorted view: the page's totals (`states`: its chunk states). */
export function describeColumn(
  info: MapGeometryInfo,
  spec: AllocatorSpec,
  cpus: number,
  states: Uint8Array,
  page: number,
): string[] {
  const cpp = info.pageBytes / info.chunkBytes;
  const counts = columnCounts(states, 0, cpp);
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

const count = (n: number): string => Math.round(n).toLocaleString('en');

/** "pages 0..15" / "pages 0..15, 16384..16399 (2 bands)" (the first few bands, then how many more). */
export function describeRanges(ranges: HoverReply['ranges']): string {
  const shown = ranges.slice(0, 3).map((r) => (r.end - r.first === 1 ? `${r.first}` : `${r.first}..${r.end - 1}`));
  const pages = ranges.reduce((n, r) => n + r.end - r.first, 0);
  const more = ranges.length > 3 ? ` and ${ranges.length - 3} more bands` : '';
  const bands = ranges.length > 1 ? `, ${ranges.length} bands` : '';
  return `${pages === 1 ? 'page' : 'pages'} ${shown.join(', ')}${more} (${count(pages)} page${pages === 1 ? '' : 's'}${bands})`;
}

/**
 * Tooltip of a pixel that stands for many chunks: the pages under it, their chunks per state
 * (whole pages: a zoomed-out pixel shows their proportions), and the cell under the pointer.
 */
export function describeSummary(info: MapGeometryInfo, reply: HoverReply): string[] {
  const cpp = info.pageBytes / info.chunkBytes;
  if (reply.ranges.length === 0) return ['past the last page of the pool'];
  const total = reply.totals.reduce((a, b) => a + b, 0);
  const first = reply.ranges[0].first;
  const lines = [`${describeRanges(reply.ranges)} from ${hex(info.baseAddress + first * info.pageBytes)}`];
  for (const code of SORTED_ORDER) {
    const n = reply.totals[code];
    if (n > 0)
      lines.push(
        `${PALETTE[code].label}: ${count(n)} chunks (${((100 * n) / total).toFixed(1)}%, ${count(n * info.chunkBytes)} B)`,
      );
  }
  const c = reply.cell;
  if (c && c.page >= 0)
    lines.push(
      `under the pointer: page ${c.page}, chunk ${c.chunk} (of ${cpp}): ${PALETTE[c.states[c.chunk]]?.label ?? 'unknown'}`,
    );
  return lines;
}
