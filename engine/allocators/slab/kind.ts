/**
 * SLAB as the registry sees it: presets (three 2.6.18 builds), parameters, capabilities, memory
 * estimate, creation. Slab pages belong to caches, not CPUs, so pageOwner is null.
 */
import type { AllocatorKind } from '../kind';
import { SlabAllocator, SLAB_CAPABILITIES } from './slab';
import {
  SLAB_CHUNK_BYTES,
  SLAB_LABEL,
  SLAB_PAGE_BYTES,
  SLAB_PARAMS,
  SLAB_PRESETS,
  slabParams,
  type SlabParams,
  type SlabPresetName,
} from './params';

export interface SlabSpec {
  kind: 'slab';
  preset: SlabPresetName;
  overrides?: Partial<SlabParams>;
}

const paramsOf = (spec: SlabSpec, cpus: number): SlabParams => slabParams(spec.preset, cpus, spec.overrides);

export const SLAB_KIND: AllocatorKind<SlabSpec> = {
  kind: 'slab',
  label: SLAB_LABEL,
  presets: SLAB_PRESETS,
  params: SLAB_PARAMS,
  capabilities: SLAB_CAPABILITIES,
  values(spec, cpus) {
    const p = paramsOf(spec, cpus);
    return Object.fromEntries(SLAB_PARAMS.map((i) => [i.key, p[i.key as keyof SlabParams] as number]));
  },
  bytesNeeded: (spec, cpus) => SlabAllocator.bytesNeeded(paramsOf(spec, cpus)),
  geometry(spec, cpus) {
    const p = paramsOf(spec, cpus);
    return { chunkBytes: SLAB_CHUNK_BYTES, pageBytes: SLAB_PAGE_BYTES, pages: p.pages, baseAddress: p.baseAddress };
  },
  create: (spec, cpus, buffers, init = true) => new SlabAllocator(paramsOf(spec, cpus), buffers, init),
  pageOwner: () => null,
};
