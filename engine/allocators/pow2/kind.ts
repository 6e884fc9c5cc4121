/**
 * pow2 as the registry sees it: parameters, capabilities, memory estimate, creation, and no page
 * owner from the parameters alone: a page belongs to the CPU that took it from the zone, which
 * only the run knows (blockAt tells).
 */
import type { AllocatorKind } from '../kind';
import { Pow2Allocator, POW2_CAPABILITIES } from './pow2';
import { POW2_LABEL, POW2_PARAMS, resolvePow2, type Pow2Params } from './params';

export interface Pow2Spec {
  kind: 'pow2';
  overrides?: Partial<Pow2Params>;
}

/** pow2 gets the seed's pool (4094 pages) unless the spec says otherwise. */
const paramsOf = (spec: Pow2Spec, cpus: number): Pow2Params => resolvePow2({ ...spec.overrides, cpus });

export const POW2_KIND: AllocatorKind<Pow2Spec> = {
  kind: 'pow2',
  label: POW2_LABEL,
  presets: [],
  params: POW2_PARAMS,
  capabilities: POW2_CAPABILITIES,
  values(spec, cpus) {
    const p = paramsOf(spec, cpus);
    return Object.fromEntries(POW2_PARAMS.map((i) => [i.key, p[i.key as keyof Pow2Params]]));
  },
  bytesNeeded: (spec, cpus) => Pow2Allocator.bytesNeeded(paramsOf(spec, cpus)),
  geometry(spec, cpus) {
    const p = paramsOf(spec, cpus);
    return { chunkBytes: p.chunkBytes, pageBytes: p.pageBytes, pages: p.pages, baseAddress: p.baseAddress };
  },
  create: (spec, cpus, buffers, init = true) => new Pow2Allocator(paramsOf(spec, cpus), buffers, init),
  pageOwner: () => null,
};
