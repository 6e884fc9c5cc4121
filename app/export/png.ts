/**
 * Each map at native resolution (one pixel per chunk, one column per page) as a
 * PNG, rendered on an OffscreenCanvas from the chunk states the caller hands over
 * (the UI passes the live snapshot copy: export does not reach into the runtime).
 */
import type { AllocatorSpec } from '../../engine/allocators/registry';
import type { AllocatorInfo } from '../../engine/runtime/api';
import { renderMap, type MapView } from '../render/render-map';
import { download, slug } from './download';

/** The picture to export: the op it shows and one chunk-state array per allocator. */
export interface MapStates {
  op: number;
  chunks: readonly Uint8Array[];
}

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
  snapshot: MapStates | null,
  infos: readonly AllocatorInfo[],
  specs: readonly AllocatorSpec[],
  workload: string,
  view: MapView,
): Promise<string[]> {
  if (!snapshot) throw new Error('no snapshot to export yet');
  // Copy first: a live copy changes with the next frame.
  const op = snapshot.op;
  const states = snapshot.chunks.map((c) => c.slice());
  const names: string[] = [];
  for (let i = 0; i < infos.length; i++) {
    const name = pngName(workload, specs[i], op, view);
    download(name, await mapPng(infos[i], states[i], view));
    names.push(name);
  }
  return names;
}
