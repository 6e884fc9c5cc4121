/**
 * Named typed-array fields laid out back to back in one (Shared)ArrayBuffer.
 *
 * Each allocator describes its shared-memory layout once, as a list of fields in
 * its header comment and as a `planLayout({...})` call, and gets typed views at
 * those offsets. Fields start on 64-byte cache lines: any view type fits, and two
 * fields written by different CPU workers never share a line (no false sharing).
 */
export type FieldKind = 'u8' | 'i32' | 'u32' | 'f64';
export interface Field {
  kind: FieldKind;
  count: number;
}

const BYTES: Record<FieldKind, number> = { u8: 1, i32: 4, u32: 4, f64: 8 };
/** Cache line bytes. */
export const LINE = 64;

type ViewOf<K extends FieldKind> = K extends 'u8'
  ? Uint8Array
  : K extends 'i32'
    ? Int32Array
    : K extends 'u32'
      ? Uint32Array
      : Float64Array;

export type Views<T extends Record<string, Field>> = { [N in keyof T]: ViewOf<T[N]['kind']> };

export interface LayoutPlan<T extends Record<string, Field>> {
  fields: T;
  /** Byte offset of each field from the start of the allocator's region. */
  offsets: { [N in keyof T]: number };
  byteLength: number;
}

export function planLayout<T extends Record<string, Field>>(fields: T): LayoutPlan<T> {
  let at = 0;
  const offsets = {} as { [N in keyof T]: number };
  for (const name of Object.keys(fields) as (keyof T)[]) {
    at = Math.ceil(at / LINE) * LINE;
    offsets[name] = at;
    at += fields[name].count * BYTES[fields[name].kind];
  }
  return { fields, offsets, byteLength: Math.ceil(at / LINE) * LINE };
}

export function viewsOf<T extends Record<string, Field>>(
  plan: LayoutPlan<T>,
  buffer: ArrayBufferLike,
  base = 0,
): Views<T> {
  if (buffer.byteLength < base + plan.byteLength) {
    throw new Error(`buffer too small: ${buffer.byteLength} bytes, layout needs ${base + plan.byteLength}`);
  }
  const views = {} as Record<string, ArrayBufferView>;
  for (const name of Object.keys(plan.fields)) {
    const { kind, count } = plan.fields[name];
    const at = base + plan.offsets[name];
    views[name] =
      kind === 'u8'
        ? new Uint8Array(buffer, at, count)
        : kind === 'i32'
          ? new Int32Array(buffer, at, count)
          : kind === 'u32'
            ? new Uint32Array(buffer, at, count)
            : new Float64Array(buffer, at, count);
  }
  return views as Views<T>;
}

/** A SharedArrayBuffer when the platform allows it (cross-origin isolated or Node), else an ArrayBuffer. */
export function allocateBuffer(bytes: number, shared = true): ArrayBufferLike {
  if (shared && typeof SharedArrayBuffer !== 'undefined') return new SharedArrayBuffer(bytes);
  return new ArrayBuffer(bytes);
}
