/** The map's tooltip: what the hovered pixel stands for, in words (describe-chunk.ts). */
import type { AllocatorSpec } from '../../engine/allocators/registry';
import type { AllocatorInfo } from '../../engine/runtime/api';
import { describeChunk, describeColumn, describeSummary } from './describe-chunk';
import type { HoverReply } from './map-protocol';
import { answers, type BlockAnswer } from './use-block-lookup';
import type { HoverKind } from '../render/view';

export interface Tip {
  /** The pointer in view pixels. */
  x: number;
  y: number;
  kind: HoverKind;
  reply: HoverReply;
}

/** Lines of a tooltip; the allocator's block answer counts only when it is about the hovered chunk. */
export function tipLines(
  t: Tip,
  info: AllocatorInfo,
  spec: AllocatorSpec,
  cpus: number,
  block: BlockAnswer | null,
): string[] {
  const cell = t.reply.cell;
  if (t.kind === 'summary' || !cell || cell.page < 0) return describeSummary(info, t.reply);
  if (t.kind === 'column') return describeColumn(info, spec, cpus, cell.states, cell.page);
  const addr = info.baseAddress + cell.page * info.pageBytes + cell.chunk * info.chunkBytes;
  const known = answers(block, addr) ? block.info : undefined;
  return describeChunk(info, spec, cpus, cell.states, cell.page, cell.chunk, known);
}

export function MapTip(props: {
  index: number;
  tip: Tip;
  info: AllocatorInfo;
  spec: AllocatorSpec;
  cpus: number;
  block: BlockAnswer | null;
  left: number;
}) {
  const { index, tip, info, spec, cpus, block, left } = props;
  return (
    <div className="map-tip" data-testid={`map-tip-${index}`} style={{ left, top: tip.y + 40 }}>
      {tipLines(tip, info, spec, cpus, block).map((l) => (
        <div key={l}>{l}</div>
      ))}
    </div>
  );
}
