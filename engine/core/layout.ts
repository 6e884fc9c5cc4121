/**
 * Named typed-array fields laid out in one or more (Shared)ArrayBuffers.
 *
 * Each allocator describes its shared-memory layout once, as a list of fields in its header
 * comment and as a `planLayout({...})` call, and gets typed views at those places. Fields start
 * on 64-byte cache lines: any view type fits, and two fields written by different CPU workers
 * never share a line (no false sharing).
 *
 * Several buffers: fields go back to back, in order, into buffers of at most MAX_BUFFER_BYTES
 * (1 GiB); a field larger than that gets a buffer of its own, up to MAX_FIELD_BYTES (2 GiB).
 * Why: Node 20 cannot make a typed array over 2^32 elements, and Chromium refuses
 * ArrayBuffers beyond about 16 GiB in total, so no single huge buffer; the largest field the
 * allocators need is 4 B per chunk of MAX_PAGES pages = 2 GiB, so no field is ever split.
 *
 * `perPage` marks page-major fields (elements per page; 0 = a global field), so that a
 * checkpoint can copy pages [a, b) of every field (see StateField in types.ts).
 */
import type { StateField } from './types';

export type FieldKind = 'u8' | 'i32' | 'u32' | 'f64';
export interface Field {
  kind: FieldKind;
  count: number;
  /** Elements per page for a page-major field (count = pages * perPage), 0 for a global field. */
  perPage: number;
}

const BYTES: Record<FieldKind, number> = { u8: 1, i32: 4, u32: 4, f64: 8 };
/** Cache line bytes. */
export const LINE = 64;
/** A buffer holds at most this many bytes of fields... */
export const MAX_BUFFER_BYTES = 2 ** 30;
/** ...unless one field alone is larger: it gets its own buffer, up to this. */
export const MAX_FIELD_BYTES = 2 ** 31;

type ViewOf<K extends FieldKind> = K extends 'u8'
  ? Uint8Array
  : K extends 'i32'
    ? Int32Array
    : K extends 'u32'
      ? Uint32Array
      : Float64Array;

export type Views<T extends Record<string, Field>> = { [N in keyof T]: ViewOf<T[N]['kind']> };

/** Where a field lives: buffer index and byte offset in it. */
export interface Placement {
  buffer: number;
  offset: number;
}

export interface LayoutPlan<T extends Record<string, Field>> {
  fields: T;
  at: { [N in keyof T]: Placement };
  /** Bytes of each buffer. */
  byteLengths: number[];
  /** All buffers together. */
  byteLength: number;
}

/** A field of `count` elements; `perPage` elements per page when page-major (default: global). */
export const field = <K extends FieldKind>(kind: K, count: number, perPage = 0) => ({ kind, count, perPage });

export function planLayout<T extends Record<string, Field>>(fields: T): LayoutPlan<T> {
  const at = {} as { [N in keyof T]: Placement };
  const byteLengths: number[] = [];
  let cur = -1,
    used = 0;
  const close = () => {
    if (cur >= 0) byteLengths[cur] = Math.ceil(used / LINE) * LINE;
  };
  for (const name of Object.keys(fields) as (keyof T)[]) {
    const { kind, count } = fields[name];
    const bytes = count * BYTES[kind];
    if (bytes > MAX_FIELD_BYTES)
      throw new Error(
        `field '${String(name)}' needs ${bytes} bytes, more than one buffer may hold (${MAX_FIELD_BYTES})`,
      );
    const start = Math.ceil(used / LINE) * LINE;
    // An empty buffer takes any field (a field over MAX_BUFFER_BYTES thus gets one of its own).
    if (cur < 0 || (start > 0 && start + bytes > MAX_BUFFER_BYTES)) {
      close();
      cur++;
      used = 0;
    }
    const offset = Math.ceil(used / LINE) * LINE;
    at[name] = { buffer: cur, offset };
    used = offset + bytes;
  }
  close();
  return { fields, at, byteLengths, byteLength: byteLengths.reduce((s, b) => s + b, 0) };
}

export function viewsOf<T extends Record<string, Field>>(
  plan: LayoutPlan<T>,
  buffers: readonly ArrayBufferLike[],
): Views<T> {
  if (buffers.length < plan.byteLengths.length)
    throw new Error(`${buffers.length} buffers given, the layout needs ${plan.byteLengths.length}`);
  plan.byteLengths.forEach((n, i) => {
    if (buffers[i].byteLength < n)
      throw new Error(`buffer ${i} too small: ${buffers[i].byteLength} bytes, layout needs ${n}`);
  });
  const entries = Object.keys(plan.fields).map((name): [string, ArrayBufferView] => {
    const { kind, count } = plan.fields[name];
    const { buffer, offset } = plan.at[name];
    const b = buffers[buffer];
    return [
      name,
      kind === 'u8'
        ? new Uint8Array(b, offset, count)
        : kind === 'i32'
          ? new Int32Array(b, offset, count)
          : kind === 'u32'
            ? new Uint32Array(b, offset, count)
            : new Float64Array(b, offset, count),
    ];
  });
  // Built at once, not by `views[name] = ...` one field at a time: V8 turns an object that gets
  // about 20 properties by keyed stores into a dictionary, and every field read on an allocator's
  // hot path then costs a hash lookup (NTA ran at half speed when the zone's 6 fields were added).
  return Object.fromEntries(entries) as Views<T>;
}

/** The fields of a plan as the contract lists them (Allocator.fields). */
export function stateFields<T extends Record<string, Field>>(plan: LayoutPlan<T>, views: Views<T>): StateField[] {
  return Object.keys(plan.fields).map((name) => ({
    name,
    view: views[name],
    perPage: plan.fields[name].perPage,
  }));
}

/** A SharedArrayBuffer when the platform allows it (cross-origin isolated or Node), else an ArrayBuffer. */
export function allocateBuffer(bytes: number, shared = true): ArrayBufferLike {
  if (shared && typeof SharedArrayBuffer !== 'undefined') return new SharedArrayBuffer(bytes);
  return new ArrayBuffer(bytes);
}

/** Fresh zeroed buffers for a plan (the OS hands out zero pages lazily: untouched state costs no memory). */
export function allocateBuffers<T extends Record<string, Field>>(
  plan: LayoutPlan<T>,
  shared = true,
): ArrayBufferLike[] {
  return plan.byteLengths.map((n) => allocateBuffer(n, shared));
}

/** Zero buffers a caller handed in for a fresh start (ours are zero already). */
export function zeroBuffers(buffers: readonly ArrayBufferLike[]): void {
  for (const b of buffers) new Uint8Array(b).fill(0);
}
