/**
 * NTA as the registry sees it: presets, parameters, capabilities, memory estimate, creation and
 * the page owner the map's hover can tell from the parameters alone.
 */
import type { AllocatorKind } from '../kind';
import { NtaAllocator, NTA_CAPABILITIES } from './nta';
import { NTA_LABEL, NTA_PARAMS, NTA_PRESETS, ntaParams, type NtaParams, type NtaPresetName } from './presets';
import { initialPageOwner } from './regions';

export interface NtaSpec {
  kind: 'nta';
  preset: NtaPresetName;
  overrides?: Partial<NtaParams>;
}

const paramsOf = (spec: NtaSpec, cpus: number): NtaParams => ntaParams(spec.preset, cpus, spec.overrides);

export const NTA_KIND: AllocatorKind<NtaSpec> = {
  kind: 'nta',
  label: NTA_LABEL,
  presets: NTA_PRESETS,
  params: NTA_PARAMS,
  capabilities: NTA_CAPABILITIES,
  values(spec, cpus) {
    const p = paramsOf(spec, cpus);
    return Object.fromEntries(NTA_PARAMS.map((i) => [i.key, p[i.key as keyof NtaParams] as number]));
  },
  bytesNeeded: (spec, cpus) => NtaAllocator.bytesNeeded(paramsOf(spec, cpus)),
  geometry(spec, cpus) {
    const p = paramsOf(spec, cpus);
    return { chunkBytes: p.chunkBytes, pageBytes: p.pageBytes, pages: p.maxPages, baseAddress: p.baseAddress };
  },
  create: (spec, cpus, buffers, init = true) =>
    new NtaAllocator({ ...spec.overrides, preset: spec.preset, cpus }, buffers, init),
  pageOwner: (spec, cpus, page) => initialPageOwner(paramsOf(spec, cpus), page),
};
