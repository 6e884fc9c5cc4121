/**
 * SLUB as the registry sees it: presets (one per kernel version), parameters, capabilities,
 * memory estimate and creation. No page owner from the parameters: a slab belongs to the CPU
 * that froze it, which only the run knows.
 */
import type { AllocatorKind } from '../kind';
import { SLUB_LABEL, SLUB_PARAMS, slubConfig, type SlubParams } from './params';
import { SlubAllocator, SLUB_CAPABILITIES } from './slub';
import { SlubState } from './state';
import { SLUB_PRESETS, type SlubPresetName } from './versions';

export interface SlubSpec {
  kind: 'slub';
  preset: SlubPresetName;
  overrides?: Partial<SlubParams>;
}

export { SLUB_PRESETS, type SlubPresetName };

export const SLUB_KIND: AllocatorKind<SlubSpec> = {
  kind: 'slub',
  label: SLUB_LABEL,
  presets: SLUB_PRESETS,
  params: SLUB_PARAMS,
  capabilities: SLUB_CAPABILITIES,
  values(spec, cpus) {
    const p = slubConfig(spec.preset, cpus, spec.overrides);
    return Object.fromEntries(SLUB_PARAMS.map((i) => [i.key, p[i.key as keyof SlubParams]]));
  },
  bytesNeeded: (spec, cpus) => SlubState.bytesNeeded(slubConfig(spec.preset, cpus, spec.overrides)),
  geometry(spec, cpus) {
    const p = slubConfig(spec.preset, cpus, spec.overrides);
    return { chunkBytes: p.chunkBytes, pageBytes: p.pageBytes, pages: p.pages, baseAddress: p.baseAddress };
  },
  create: (spec, cpus, buffers, init = true) =>
    new SlubAllocator(slubConfig(spec.preset, cpus, spec.overrides), buffers, init),
  pageOwner: () => null,
};
