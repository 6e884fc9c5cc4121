/**
 * What each allocator kind declares, in one place (its folder's kind.ts), for the registry:
 * the public types of "one way in". Everything outside engine/allocators/ reaches a kind only
 * through registry.ts (and these types); eslint.config.js enforces it.
 */
import type { Geometry, Allocator, Capabilities } from '../core/types';

/** One parameter users may override (CLI --nta KEY=VALUE, URL a0.KEY=VALUE, the setup form). */
export interface ParamInfo {
  readonly key: string;
  /** One sentence for help texts and tooltips. */
  readonly doc: string;
  /** Integer limits, inclusive. */
  readonly min: number;
  readonly max: number;
  /** The value must be a power of two (within min..max). */
  readonly powerOfTwo?: boolean;
  /** The only values allowed (within min..max), when there are few. */
  readonly values?: readonly number[];
}

/** Why `value` is not allowed for `info`, as "expected ..." (null when it is allowed). */
export function paramProblem(info: ParamInfo, value: number): string | null {
  const range = info.values ? info.values.join(' or ') : `${info.min}..${info.max}`;
  if (!Number.isInteger(value)) return `expected an integer, ${range}`;
  if (info.powerOfTwo && !(value > 0 && (value & (value - 1)) === 0 && value >= info.min && value <= info.max))
    return `expected a power of two >= ${info.min} and <= ${info.max}`;
  if (info.values && !info.values.includes(value)) return `expected ${range}`;
  if (value < info.min || value > info.max) return `expected ${range}`;
  return null;
}

/**
 * An allocator kind. `S` is its spec (plain data: crosses worker boundaries, goes into URLs).
 * Adding a kind: its folder (allocator, layout, invariants, kind.ts) and one line in registry.ts.
 */
export interface AllocatorKind<S> {
  readonly kind: string;
  /** Human name without preset: 'NTA', 'pow2 (SLAB-like)'. */
  readonly label: string;
  /** Preset names, the default first; empty for a kind without presets. */
  readonly presets: readonly string[];
  /** Parameters users may override, in display order. */
  readonly params: readonly ParamInfo[];
  readonly capabilities: Capabilities;
  /** Every parameter of `params` as the spec resolves it for `cpus` (its preset's defaults, then its overrides); throws when invalid. */
  values(spec: S, cpus: number): Record<string, number>;
  /** Bytes of all the buffers an instance needs (a memory estimate before creating one). */
  bytesNeeded(spec: S, cpus: number): number;
  /** The pool an instance would have (pages, chunk and page size), without creating one. */
  geometry(spec: S, cpus: number): Geometry;
  /** A new instance on fresh buffers; with `buffers`, attach to (init false) or re-initialise another's. */
  create(spec: S, cpus: number, buffers?: readonly ArrayBufferLike[], init?: boolean): Allocator;
  /**
   * Owner CPU of `page` implied by the parameters alone (the map's hover before the allocator
   * answers), or null where only the run knows (NTA growth pages).
   */
  pageOwner(spec: S, cpus: number, page: number): number | null;
}
