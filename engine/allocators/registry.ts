/**
 * One way into the allocators. Each kind declares, in one entry of KINDS (its folder's kind.ts),
 * its presets, parameters (key, doc, limits; defaults per preset through `values`),
 * capabilities, label, memory estimate, creation/attachment and the page owner the map's hover
 * can tell before the allocator answers. The CLI, the runtime and the UI ask this module and
 * never import an allocator's own files (eslint.config.js enforces it).
 *
 * A spec is plain data: it crosses worker boundaries and goes into shared URLs.
 */
import type { Allocator, Geometry, Capabilities } from '../core/types';
import type { AllocatorKind, ParamInfo } from './kind';
import { NTA_KIND, type NtaSpec } from './nta/kind';
import { NTA_PRESETS, type NtaPresetName } from './nta/presets';
import { POW2_KIND, type Pow2Spec } from './pow2/kind';
import { SLUB_KIND, type SlubSpec } from './slub/kind';
import { BUDDY_KIND, type BuddySpec } from './buddy/kind';
import { SLAB_KIND, type SlabSpec } from './slab/kind';

export { NTA_PRESETS, type NtaPresetName };
export type { ParamInfo };
/** The seed's worked example as NTA's debug log (the CLI's `example`). */
export { seedExampleLog } from './nta/example';

export type AllocatorSpec = NtaSpec | Pow2Spec | SlabSpec | SlubSpec | BuddySpec;
export type AllocatorKindName = AllocatorSpec['kind'];

/** Every kind: adding one is its folder and one line here. */
const KINDS: { [K in AllocatorKindName]: AllocatorKind<Extract<AllocatorSpec, { kind: K }>> } = {
  nta: NTA_KIND,
  pow2: POW2_KIND,
  slab: SLAB_KIND,
  slub: SLUB_KIND,
  buddy: BUDDY_KIND,
};

export const ALLOCATOR_KINDS = Object.keys(KINDS) as readonly AllocatorKindName[];

function kindOf<S extends AllocatorSpec>(spec: S): AllocatorKind<S> {
  const k = (KINDS as Record<string, AllocatorKind<S> | undefined>)[spec.kind];
  if (!k) throw new Error(`unknown allocator '${spec.kind}': expected one of ${ALLOCATOR_KINDS.join(', ')}`);
  return k;
}

/** One value per kind, computed from its declaration. */
function perKind<T>(f: (k: AllocatorKind<AllocatorSpec>) => T): { readonly [K in AllocatorKindName]: T } {
  const all = KINDS as unknown as Record<AllocatorKindName, AllocatorKind<AllocatorSpec>>;
  return Object.fromEntries(ALLOCATOR_KINDS.map((k) => [k, f(all[k])])) as unknown as {
    readonly [K in AllocatorKindName]: T;
  };
}

/** Parameters users may override, per kind (CLI --KIND KEY=VALUE, URL a0.KEY, the setup form). */
export const PARAMS = perKind((k) => k.params);

/** The keys of PARAMS: what the CLI and URLs accept as overrides. */
export const OVERRIDE_KEYS = perKind((k) => k.params.map((p) => p.key));

export function capabilitiesOf(kind: AllocatorKindName): Capabilities {
  return KINDS[kind].capabilities;
}

/** Presets of a kind, the default first (none for pow2). */
export function presetsOf(kind: AllocatorKindName): readonly string[] {
  return KINDS[kind].presets;
}

/** Each overridable parameter's value for this spec on `cpus` CPUs (preset defaults, then overrides); throws when invalid. */
export function paramValues(spec: AllocatorSpec, cpus: number): Record<string, number> {
  return kindOf(spec).values(spec, cpus);
}

/** Bytes of all the buffers the allocator needs (checks the parameters: throws when invalid). */
export function bytesNeeded(spec: AllocatorSpec, cpus: number): number {
  return kindOf(spec).bytesNeeded(spec, cpus);
}

/** The pool an allocator of this spec would have (pages, chunk and page size), without creating it; throws when invalid. */
export function geometryOf(spec: AllocatorSpec, cpus: number): Geometry {
  return kindOf(spec).geometry(spec, cpus);
}

/** Build an allocator on fresh buffers; with `buffers`, attach to (init false) or re-initialise another's. */
export function createAllocator(
  spec: AllocatorSpec,
  cpus: number,
  buffers?: readonly ArrayBufferLike[],
  init = true,
): Allocator {
  return kindOf(spec).create(spec, cpus, buffers, init);
}

/**
 * Owner CPU of `page` as the parameters alone say (the map's hover before the allocator's
 * blockAt answers), or null where only the run knows (NTA growth pages) or outside the pool.
 */
export function pageOwner(spec: AllocatorSpec, cpus: number, page: number): number | null {
  return kindOf(spec).pageOwner(spec, cpus, page);
}

/**
 * Parse a CLI/URL name: 'nta', 'nta:patch2', 'pow2', 'slub:3.6-i386', 'buddy'. A kind with presets
 * takes its first one when none is named (`preset` applies to a bare 'nta').
 */
export function parseAllocatorSpec(text: string, preset: NtaPresetName = 'blog'): AllocatorSpec {
  const at = text.indexOf(':');
  const kind = at < 0 ? text : text.slice(0, at),
    p = at < 0 ? undefined : text.slice(at + 1);
  const k = (KINDS as Record<string, AllocatorKind<AllocatorSpec> | undefined>)[kind];
  if (k && k.presets.length > 0) {
    const name = p ?? (kind === 'nta' ? preset : k.presets[0]);
    if (!k.presets.includes(name))
      throw new Error(`unknown ${k.label} preset '${name}' in '${text}': expected one of ${k.presets.join(', ')}`);
    return { kind, preset: name } as AllocatorSpec;
  }
  if (k && p === undefined) return { kind } as AllocatorSpec;
  const names = ALLOCATOR_KINDS.map((n) => (KINDS[n].presets.length ? `${n}, ${n}:PRESET` : n)).join(', ');
  throw new Error(`unknown allocator '${text}': expected ${names}`);
}

/** The preset of a spec whose kind has presets, else undefined. */
const presetOf = (spec: AllocatorSpec): string | undefined => ('preset' in spec ? spec.preset : undefined);

export function specName(spec: AllocatorSpec): string {
  const p = presetOf(spec);
  return p === undefined ? spec.kind : `${spec.kind}:${p}`;
}

/** The label of a spec before an instance exists: 'NTA (blog)', 'pow2 (SLAB-like)', 'SLUB (3.6-i386)'. */
export function specLabel(spec: AllocatorSpec): string {
  const p = presetOf(spec);
  return p === undefined ? KINDS[spec.kind].label : `${KINDS[spec.kind].label} (${p})`;
}

/** Every kind with each of its presets, as specs without overrides (the setup form's choices). */
export function specChoices(): AllocatorSpec[] {
  return ALLOCATOR_KINDS.flatMap((k) =>
    KINDS[k].presets.length
      ? KINDS[k].presets.map((preset) => ({ kind: k, preset }) as AllocatorSpec)
      : [{ kind: k } as AllocatorSpec],
  );
}
