/**
 * NTA's zero-copy sniffer (seed, 18 Aug 2006): an allocation may be mapped to user space; its
 * free is then postponed (shown in its own colour) until user space hands the mapping back,
 * and happens at the unmap, on the unmapping CPU.
 */
import { FREE_OK, FreeError } from '../../core/types';
import { blockChunks, C_POSTPONED, C_SLOTS, H_LIVE, H_MAPPED, H_POSTPONED, KIND_MASK } from './layout';
import type { NtaAllocator } from './nta';

export function ntaMap(a: NtaAllocator, cpu: number, address: number): number {
  if (!(cpu >= 0 && cpu < a.cpus && Number.isInteger(cpu))) return FreeError.BadCpu;
  const c = a.liveBlockAt(address);
  if (c < 0) return c;
  const { v } = a;
  const b = v.block[c],
    h = b & KIND_MASK;
  if (h !== H_LIVE) return h === H_MAPPED ? FreeError.BadMapState : FreeError.DoubleFree;
  v.block[c] = (b & ~KIND_MASK) | H_MAPPED;
  a.mark(c);
  return FREE_OK;
}

export function ntaUnmap(a: NtaAllocator, cpu: number, address: number): number {
  if (!(cpu >= 0 && cpu < a.cpus && Number.isInteger(cpu))) return FreeError.BadCpu;
  const c = a.liveBlockAt(address);
  if (c < 0) return c;
  const { v } = a;
  const b = v.block[c],
    h = b & KIND_MASK;
  if (h === H_MAPPED) {
    v.block[c] = (b & ~KIND_MASK) | H_LIVE;
    a.mark(c);
    return FREE_OK;
  }
  if (h !== H_POSTPONED) return FreeError.BadMapState;
  v.counters[cpu * C_SLOTS + C_POSTPONED] -= blockChunks(b, a.chunkShift) << a.chunkShift;
  a.release(cpu, c); // the postponed free really happens now, on the unmapping CPU
  a.drain(cpu);
  return FREE_OK;
}
