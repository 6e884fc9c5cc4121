/**
 * Full consistency check of a pow2 instance (slow; tests run it after every op):
 * - the zone (its own check), and pages conserved: the zone's blocks tile the pool, each free one
 *   with no pow2 state, each taken one a slab (of the order its class takes) or a page-level
 *   block; the pages they hold equal the held counter and the zone's missing pages;
 * - slabs: free bits, object states, requested bytes (no object inside another or past the slab),
 *   live counts, owners; a slab's other pages carry no state; no empty slab is kept;
 * - partial lists: exactly the non-full slabs of their class and owner, links agree;
 * - counters (and the per-owner free-slot counts) equal a recount; no lock is held.
 *
 * The walk goes block by block over the zone (a free block costs O(1) unless the pool is small, up
 * to 2^16 chunks: then every page of it is checked whole), so the cost follows the slabs, not the
 * pool.
 */
import { LSTRIDE, PAGE_BLOCK, type Pow2State } from './layout';

const SMALL_CHUNKS = 1 << 16;

export function checkPow2Invariants(a: Pow2State): string[] {
  const bad: string[] = [];
  const { P, C, W, K, cpus, zone, logC } = a;
  const small = P * C <= SMALL_CHUNKS;
  for (const e of zone.check()) bad.push(`zone: ${e}`);
  for (let c = 0; c < cpus; c++) if (a.locks[c * LSTRIDE] !== 0) bad.push(`lock of cpu ${c} is held`);

  /** Page p carries no pow2 state (a free page of the zone, or a slab's or block's other page). */
  const clean = (p: number, what: string) => {
    let dirty = a.pageClass[p] !== 0 || a.pageOwner[p] !== 0 || a.pageLive[p] !== 0;
    dirty ||= a.pageNext[p] !== 0 || a.pagePrev[p] !== 0;
    for (let w = 0; w < W && !dirty; w++) dirty = a.freeBits[p * W + w] !== 0 || a.handedBits[p * W + w] !== 0;
    for (let c = p * C; c < (p + 1) * C && !dirty; c++) dirty = a.reqBytes[c] !== 0;
    if (dirty) bad.push(`page ${p}: ${what} with slab state`);
  };

  let req = 0,
    allocd = 0,
    held = 0,
    free = 0,
    liveObjs = 0,
    pageBlocks = 0;
  const slotCount = new Float64Array(cpus * a.S); // recount of cpuSlots
  const partial: number[] = [];
  for (let p = 0; p < P;) {
    const fo = zone.freeOrder(p);
    if (fo >= 0) {
      const n = 1 << fo;
      for (let q = p; q < (small ? p + n : p + 1); q++) clean(q, 'a free page of the zone');
      free += n;
      p += n;
      continue;
    }
    const uo = zone.usedOrder(p);
    if (uo < 0) {
      bad.push(`page ${p}: the first page of no zone block`);
      break;
    }
    const n = 1 << uo;
    held += n;
    for (let q = p + 1; q < p + n; q++) clean(q, `page ${q - p} of the block at ${p}`);
    const cls = a.pageClass[p];
    if (cls === PAGE_BLOCK) {
      if (a.pageOwner[p] !== 0 || a.pageLive[p] !== 0 || a.pageNext[p] !== 0)
        bad.push(`page ${p}: a page-level block with slab state`);
      pageBlocks++;
      req += n * a.pageBytes;
      allocd += n * a.pageBytes;
      p += n;
      continue;
    }
    if (cls === 0 || cls > K) {
      bad.push(`page ${p}: an order-${uo} block taken from the zone with class code ${cls} (pages lost)`);
      p += n;
      continue;
    }
    const k = cls - 1,
      owner = a.pageOwner[p] - 1;
    if (uo !== (k > logC ? k - logC : 0)) bad.push(`page ${p}: a class-${k} slab of order ${uo}`);
    if (owner < 0 || owner >= cpus) bad.push(`page ${p}: slab owner ${owner}`);
    const objChunks = 2 ** k,
      slots = k > logC ? 1 : C >>> k,
      size = objChunks * a.chunkBytes;
    let live = 0,
      freeCount = 0;
    for (let s = 0; s < 32 * W; s++) {
      const isFree = (a.freeBits[p * W + (s >>> 5)] >>> (s & 31)) & 1,
        handed = (a.handedBits[p * W + (s >>> 5)] >>> (s & 31)) & 1;
      if (s >= slots) {
        if (isFree || handed) bad.push(`page ${p}: free or handed-out bit ${s} beyond ${slots} slots`);
        continue;
      }
      const c0 = p * C + s * objChunks;
      for (let c = c0 + 1; c < c0 + objChunks; c++) {
        if (a.reqBytes[c] !== 0) {
          bad.push(`chunk ${c}: object data inside an object`);
          break;
        }
      }
      if (isFree) {
        freeCount++;
        if (a.reqBytes[c0] !== 0) bad.push(`page ${p} slot ${s}: free with requested bytes`);
      } else {
        live++;
        const r = a.reqBytes[c0];
        if (!handed) bad.push(`page ${p} slot ${s}: allocated but never handed out`);
        const min = k === 0 ? 1 : (size >>> 1) + 1;
        if (r < min || r > size) bad.push(`page ${p} slot ${s}: ${r} bytes is not class ${size}`);
        req += r;
        allocd += size;
      }
    }
    if (live !== a.pageLive[p]) bad.push(`page ${p}: pageLive ${a.pageLive[p]} but ${live} live slots`);
    if (live === 0) bad.push(`page ${p}: a slab with no live object (should have gone back to the zone)`);
    if (live + freeCount !== slots) bad.push(`page ${p}: ${live} live + ${freeCount} free != ${slots}`);
    if (live < slots) partial.push(p);
    else if (a.pageNext[p] !== 0 || a.pagePrev[p] !== 0) bad.push(`page ${p}: full but linked`);
    if (owner >= 0 && owner < cpus) slotCount[owner * a.S + k] += freeCount;
    liveObjs += live;
    p += n;
  }
  if (free !== zone.freePages) bad.push(`${free} pages in the zone's free blocks, the zone counts ${zone.freePages}`);
  if (free + held !== P) bad.push(`${free} free + ${held} held pages != the pool's ${P}`);

  // partial lists
  const seen = new Uint8Array(P);
  let onLists = 0;
  for (let cpu = 0; cpu < cpus; cpu++) {
    for (let k = 0; k < K; k++) {
      let prev = -1,
        steps = 0;
      for (let p = a.partialHead[cpu * a.S + k]; p >= 0; prev = p, p = a.pageNext[p] - 1) {
        if (p >= P || ++steps > P) {
          bad.push(`partial list (${cpu},${k}) is corrupt or cyclic`);
          break;
        }
        if (seen[p]) {
          bad.push(`page ${p}: on a partial list twice`);
          break;
        }
        seen[p] = 1;
        onLists++;
        if (a.pagePrev[p] - 1 !== prev) bad.push(`page ${p}: prev ${a.pagePrev[p] - 1}, want ${prev}`);
        if (a.pageClass[p] !== k + 1) bad.push(`page ${p}: on class ${k} list with class code ${a.pageClass[p]}`);
        if (a.pageOwner[p] - 1 !== cpu) bad.push(`page ${p}: on cpu ${cpu}'s list but owned by ${a.pageOwner[p] - 1}`);
      }
    }
  }
  let listed = 0;
  for (const p of partial) {
    if (!seen[p]) bad.push(`page ${p}: partial but on no partial list`);
    else listed++;
  }
  if (onLists !== listed) bad.push(`${onLists - listed} slabs on partial lists are not partial`);

  for (let cpu = 0; cpu < cpus; cpu++)
    for (let k = 0; k < K; k++) {
      const want = slotCount[cpu * a.S + k],
        got = a.cpuSlots[cpu * a.S + k];
      if (got !== want) bad.push(`cpu ${cpu}: cpuSlots[${k}] = ${got}, recount ${want} (free slots)`);
    }
  const n = a.counters();
  if (n.requestedBytes !== req) bad.push(`counter requestedBytes ${n.requestedBytes}, recount ${req}`);
  if (n.allocatedBytes !== allocd) bad.push(`counter allocatedBytes ${n.allocatedBytes}, recount ${allocd}`);
  if (n.heldBytes !== held * a.pageBytes) bad.push(`counter heldBytes ${n.heldBytes}, recount ${held * a.pageBytes}`);
  if (n.allocs - n.frees !== liveObjs + pageBlocks)
    bad.push(`allocs - frees = ${n.allocs - n.frees}, live objects ${liveObjs} + page-level blocks ${pageBlocks}`);
  return bad.slice(0, 40);
}
