/**
 * The one-page report: each allocator's map at each failure beside the comparison charts and
 * the failure explanations, the seed's blog post as one page. HTML, not PNG: the paragraphs stay
 * text (their numbers can be searched and copied, as the CLI's --json has them), the charts stay
 * vector (their SVG as drawn), and the maps are PNG images at one pixel per chunk inside the one
 * file (data: URLs), so it opens anywhere offline. This module is pure but for the PNG encoding.
 */
import type { FailureExplanation } from '../../engine/core/explain';
import type { Allocator } from '../../engine/core/types';
import { renderMap, type MapView } from '../render/render-map';

/** Failures a report shows at most (the first ones): each is a map per allocator. */
export const REPORT_FAILURES = 8;
/** Pages a report's map shows at most (one band of the app's maps): larger pools show their first pages. */
export const REPORT_MAP_PAGES = 16384;

export interface ReportMap {
  /** data:image/png;base64,... */
  src: string;
  width: number;
  height: number;
  /** Pages of the pool shown (all, or the first REPORT_MAP_PAGES). */
  pages: number;
}

export interface ReportLane {
  label: string;
  map: ReportMap;
  /** Null where this allocator did not fail at the op. */
  explanation: FailureExplanation | null;
}

export interface ReportData {
  title: string;
  /** The setup in words and the shared link. */
  setup: string;
  link: string;
  failures: { op: number; lanes: ReportLane[] }[];
  /** Failures the run had in all, per allocator label. */
  failureCounts: { label: string; count: number }[];
  /** The comparison charts, standalone SVG texts. */
  charts: string[];
}

/** The map of `a` as it is now, at one pixel per chunk, as a PNG data URL. */
export async function mapImage(a: Allocator, view: MapView): Promise<ReportMap> {
  const C = a.geometry.pageBytes / a.geometry.chunkBytes;
  const pages = Math.min(a.geometry.pages, REPORT_MAP_PAGES);
  const states = new Uint8Array(pages * C);
  a.pageStates(0, pages, states);
  const rgba = renderMap(states, { pages, chunksPerPage: C }, view);
  const canvas = new OffscreenCanvas(pages, C);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context for an OffscreenCanvas');
  ctx.putImageData(new ImageData(rgba, pages, C), 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { src: `data:image/png;base64,${btoa(bin)}`, width: pages, height: C, pages };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An SVG file's text as inline markup (its XML declaration dropped). */
const inlineSvg = (svg: string) => svg.replace(/^<\?xml[^>]*>\s*/, '');

export function reportHtml(r: ReportData): string {
  const counts = r.failureCounts.map((c) => `${esc(c.label)}: ${c.count.toLocaleString('en-US')}`).join(' · ');
  const sections = r.failures
    .map(
      (f) => `<section class="failure" data-op="${f.op}">
<h2>Op ${f.op}</h2>
${f.lanes
  .map(
    (l) => `<figure>
<figcaption><b>${esc(l.label)}</b> <span class="muted">pages 0-${l.map.pages - 1}</span></figcaption>
<img src="${l.map.src}" width="${l.map.width}" height="${l.map.height}" alt="${esc(l.label)} at op ${f.op}">
<p class="explanation">${l.explanation ? esc(l.explanation.paragraph) : `${esc(l.label)} did not fail at this op.`}</p>
</figure>`,
  )
  .join('\n')}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222}
.muted{color:#777}
figure{margin:8px 0}
img{image-rendering:pixelated;max-width:100%;height:auto;border:1px solid #ccc}
.charts{display:flex;flex-wrap:wrap;gap:12px}
.charts svg{width:420px;max-width:48%;height:auto}
.failure{border-top:1px solid #ddd}
</style></head>
<body>
<h1>${esc(r.title)}</h1>
<p>${esc(r.setup)} · <a href="${esc(r.link)}">the run in Fragscope</a></p>
<p>Failed allocations: ${counts}. ${r.failures.length ? `The first ${r.failures.length} failures, each allocator's map at the failure (one column per page, one pixel per chunk) and why it failed:` : 'No allocation failed up to the cursor.'}</p>
<div class="charts">${r.charts.map(inlineSvg).join('\n')}</div>
${sections}
</body></html>
`;
}
