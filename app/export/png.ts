/**
 * Each map at native resolution (one pixel per chunk, one column per page) as a
 * PNG, rendered from the live snapshot copy on an OffscreenCanvas.
 */
import type { AllocatorSpec } from '../../engine/allocators/registry';
import type { AllocatorInfo } from '../../engine/runtime/api';
import { liveSnapshot } from '../map/live-snapshot';
import { renderMap, type MapView } from '../map/render-map';
import { download, slug } from './download';

export function pngName(workload: string, spec: AllocatorSpec, op: number, view: MapView): string {
  const preset = spec.kind === 'nta' ? spec.preset : 'default';
  const mode = `${view.highFirst ? '_high-first' : ''}${view.sorted ? '_sorted' : ''}`;
  return `fragscope_${slug(workload)}_${spec.kind}_${slug(preset)}_op${op}${mode}.png`;
}

export async function mapPng(info: AllocatorInfo, states: Uint8Array, view: MapView): Promise<Blob> {
  const cpp = info.pageBytes / info.chunkBytes;
  const rgba = renderMap(states, { pages: info.pages, chunksPerPage: cpp }, view);
  const canvas = new OffscreenCanvas(info.pages, cpp);
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, info.pages, cpp), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** Download one PNG per allocator; returns the file names. */
export async function exportMaps(
  infos: readonly AllocatorInfo[],
  specs: readonly AllocatorSpec[],
  workload: string,
  view: MapView,
): Promise<string[]> {
  const live = liveSnapshot();
  if (!live || live.copied < 0) throw new Error('no snapshot to export yet');
  // Copy first: the live copy changes with the next frame.
  const op = live.copy.op;
  const states = live.copy.chunks.map((c) => c.slice());
  const names: string[] = [];
  for (let i = 0; i < infos.length; i++) {
    const name = pngName(workload, specs[i], op, view);
    download(name, await mapPng(infos[i], states[i], view));
    names.push(name);
  }
  return names;
}
