/**
 * A failure's explanation as overlay layers (render/overlay.ts): the failing CPU's largest free
 * blocks outlined with their sizes, the free memory it could not use tinted by reason. The
 * colours live here (the legend reads them too); they stay apart from the map's state colours.
 */
import { formatSize, reasonText, type FailureExplanation, type UnusableReason } from '../../engine/core/explain';
import type { OverlayLayer } from '../render/overlay';

/** The outline of the largest free blocks. */
export const LARGEST_RGB: readonly [number, number, number] = [255, 221, 0];

export const REASON_RGB: Record<UnusableReason, readonly [number, number, number]> = {
  'pending-remote': [230, 0, 230],
  'other-cpus': [40, 120, 255],
  'other-cpu-caches': [0, 200, 220],
  'shared-array': [0, 150, 136],
  'other-classes': [255, 140, 0],
  'zone-fragments': [150, 80, 255],
};

export const rgbCss = (c: readonly [number, number, number]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/** Legend rows for an explanation: the outline, then each reason shown, with its bytes. */
export function legendOf(e: FailureExplanation): { name: string; css: string; text: string }[] {
  const rows = e.largest.length
    ? [{ name: 'largest-free', css: rgbCss(LARGEST_RGB), text: `its largest free blocks (outlined, sized)` }]
    : [];
  for (const u of e.unusable)
    rows.push({
      name: u.reason,
      css: rgbCss(REASON_RGB[u.reason]),
      text: `${formatSize(u.bytes)} ${reasonText(u.reason)}`,
    });
  return rows;
}

export function explanationLayers(e: FailureExplanation): OverlayLayer[] {
  const layers: OverlayLayer[] = [];
  for (const u of e.unusable) {
    const r = new Float64Array(u.spans.length * 2);
    u.spans.forEach((s, i) => {
      r[2 * i] = s.address;
      r[2 * i + 1] = s.bytes;
    });
    layers.push({ name: u.reason, ranges: r, style: 'tint', rgb: REASON_RGB[u.reason] });
  }
  // Outlines over the tints: sorted by address, as overlay ranges must be.
  const top = e.largest.slice().sort((a, b) => a.address - b.address);
  if (top.length)
    layers.push({
      name: 'largest-free',
      ranges: Float64Array.from(top.flatMap((s) => [s.address, s.bytes])),
      style: 'outline',
      rgb: LARGEST_RGB,
      labels: top.map((s) => formatSize(s.bytes)),
    });
  return layers;
}
