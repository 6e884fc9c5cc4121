/**
 * Helpers for the allocators' tests: an allocator's whole state as bytes, and its fields by name.
 */
import type { Allocator, StateView } from '../core/types';

/** Every field's bytes, back to back (copies), optionally without some fields. */
export function stateBytes(a: Allocator, except: readonly string[] = []): Uint8Array {
  const parts = a.fields
    .filter((f) => !except.includes(f.name))
    .map((f) => new Uint8Array(f.view.buffer, f.view.byteOffset, f.view.byteLength));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The typed array of field `name` (throws for an unknown name). */
export function fieldView(a: Allocator, name: string): StateView {
  const f = a.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${a.name} has no field '${name}'`);
  return f.view;
}

/** Index of the first differing byte, or -1 (much faster than toEqual on big arrays). */
export function firstDiff(x: Uint8Array, y: Uint8Array): number {
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Blocks of `bytes` bytes in a free summary. */
export function countOf(s: { bytes: number[]; counts: number[] }, bytes: number): number {
  const i = s.bytes.indexOf(bytes);
  return i < 0 ? 0 : s.counts[i];
}

/** Every buffer's bytes, back to back (a copy): the allocator's whole memory. */
export function bufferBytes(a: Allocator): Uint8Array {
  const out = new Uint8Array(a.buffers.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of a.buffers) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

/** One random op for `drive`: kind 0..5 alloc, 6..7 free, 8 map (free later), 9 a bad free. */
export interface RandomOp {
  kind: number;
  cpu: number;
  bytes: number;
  pick: number;
}

/** Live allocations of a driven allocator. */
export interface Live {
  p: number;
  n: number;
  mapped: boolean;
}

/**
 * Apply one random op (CPU taken modulo the allocator's CPUs) and return its outcome; `live`
 * follows the allocations. Frees may run on a foreign CPU; mapped allocations are unmapped
 * right after their free when `pick` is odd (their free stays postponed otherwise).
 */
export function applyRandom(a: Allocator, o: RandomOp, live: Live[]): number {
  const cpu = o.cpu % a.cpus;
  if (o.kind < 6 || live.length === 0) {
    const p = a.alloc(cpu, o.bytes);
    if (p >= 0) live.push({ p, n: o.bytes, mapped: false });
    return p;
  }
  if (o.kind === 9) return a.free(cpu, a.geometry.baseAddress + 8, 1);
  const i = o.pick % live.length;
  const x = live[i];
  if (o.kind === 8 && !x.mapped && a.capabilities.mappedChunks) {
    x.mapped = true;
    return a.map(cpu, x.p);
  }
  const r = a.free(cpu, x.p, x.n);
  if (r === 0) live.splice(i, 1);
  if (r === 0 && x.mapped && o.pick % 2) return a.unmap(cpu, x.p);
  return r;
}
