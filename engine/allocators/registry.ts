/**
 * Allocators by name, so the CLI, the runtime and the UI build them the same way.
 * A spec is plain data (it crosses worker boundaries and goes into shared URLs).
 */
import type { Allocator } from '../core/types';
import { NtaAllocator } from './nta/nta';
import { ntaParams, NTA_PRESETS, type NtaParams, type NtaPresetName } from './nta/presets';
import { Pow2Allocator, POW2_DEFAULTS, type Pow2Params } from './pow2';

export type AllocatorSpec =
  | { kind: 'nta'; preset: NtaPresetName; overrides?: Partial<NtaParams> }
  | { kind: 'pow2'; overrides?: Partial<Pow2Params> };

export const ALLOCATOR_KINDS = ['nta', 'pow2'] as const;

/**
 * pow2 gets the same memory as the NTA preset it is compared with when the caller
 * gives no page count: 4094 pages, the seed's pool.
 */
function pow2Params(spec: Extract<AllocatorSpec, { kind: 'pow2' }>, cpus: number): Pow2Params {
  return { ...POW2_DEFAULTS, ...spec.overrides, cpus };
}

export function bytesNeeded(spec: AllocatorSpec, cpus: number): number {
  return spec.kind === 'nta'
    ? NtaAllocator.bytesNeeded(ntaParams(spec.preset, cpus, spec.overrides))
    : Pow2Allocator.bytesNeeded(pow2Params(spec, cpus));
}

/** Build an allocator on fresh buffers; with `buffers`, attach to (init false) or re-initialise another's. */
export function createAllocator(
  spec: AllocatorSpec,
  cpus: number,
  buffers?: readonly ArrayBufferLike[],
  init = true,
): Allocator {
  if (spec.kind === 'nta') return new NtaAllocator({ ...spec.overrides, preset: spec.preset, cpus }, buffers, init);
  if (spec.kind === 'pow2') return new Pow2Allocator(pow2Params(spec, cpus), buffers, init);
  throw new Error(
    `unknown allocator '${(spec as { kind: string }).kind}': expected one of ${ALLOCATOR_KINDS.join(', ')}`,
  );
}

/** Parse a CLI/URL name: 'nta', 'nta:patch2', 'pow2'. `preset` applies to a bare 'nta'. */
export function parseAllocatorSpec(text: string, preset: NtaPresetName = 'blog'): AllocatorSpec {
  const [kind, p] = text.split(':');
  if (kind === 'nta') {
    const name = (p ?? preset) as NtaPresetName;
    if (!NTA_PRESETS.includes(name))
      throw new Error(`unknown NTA preset '${name}' in '${text}': expected one of ${NTA_PRESETS.join(', ')}`);
    return { kind: 'nta', preset: name };
  }
  if (kind === 'pow2' && p === undefined) return { kind: 'pow2' };
  throw new Error(`unknown allocator '${text}': expected nta, nta:PRESET (${NTA_PRESETS.join(', ')}) or pow2`);
}

export function specName(spec: AllocatorSpec): string {
  return spec.kind === 'nta' ? `nta:${spec.preset}` : 'pow2';
}
