/**
 * Full consistency check of a pow2 instance (slow; tests run it after every op):
 * pages (held pages have a class, unheld ones no data), slots (free bits, object
 * states, chunk states, no object inside another or past the page end), partial
 * lists (exactly the held non-full pages of their class and CPU, links agree), the
 * held-page trees, and counters (and the per-owner free-slot and held-page counts)
 * equal a recount.
 *
 * Pages are walked one by one only in 64-page segments the allocator has written (dirty
 * stamps, core/dirty.ts); a never-written segment must be unheld and is checked O(1) (its
 * first page's per-page fields), unless the pool is small (up to 2^16 chunks): then every
 * page is checked whole. So the cost follows the pages used, not the pool.
 */
import { SEGMENT_PAGES } from '../../core/dirty';
import { LSTRIDE, type Pow2State } from './layout';

const SMALL_CHUNKS = 1 << 16;

export function checkPow2Invariants(a: Pow2State): string[] {
  const bad: string[] = [];
  const { P, C, W, K, cpus, tree } = a;
  const small = P * C <= SMALL_CHUNKS;
  const written = (p: number) => small || a.dirty.segGen[Math.floor(p / SEGMENT_PAGES)] !== 0;
  let req = 0,
    allocd = 0,
    held = 0,
    liveObjs = 0;
  const slotCount = new Float64Array(cpus * a.SSTRIDE); // recount of cpuSlots
  for (let c = 0; c < cpus; c++) if (a.locks[c * LSTRIDE] !== 0) bad.push(`lock of cpu ${c} is held`);
  const heldBit = (p: number) => {
    const owner = a.ownerOfPage(p);
    return tree.held(a.heldTree, owner * tree.stride, p - a.firstPageOf(owner));
  };
  for (let p = 0; p < P; p++) {
    if (!written(p)) {
      // A segment never written: unheld, unlisted (its first page stands for it).
      if (a.pageClass[p] !== 0 || a.pageLive[p] !== 0 || a.pageNext[p] !== 0 || heldBit(p))
        bad.push(`page ${p}: in a never-written segment but not unheld`);
      p = (Math.floor(p / SEGMENT_PAGES) + 1) * SEGMENT_PAGES - 1;
      continue;
    }
    const cls = a.pageClass[p],
      owner = a.ownerOfPage(p);
    if (cls > K) {
      bad.push(`page ${p}: class code ${cls} > ${K}`);
      continue;
    }
    if (cls === 0) {
      if (heldBit(p)) bad.push(`page ${p}: unheld but held in cpu ${owner}'s tree`);
      if (a.pageLive[p] !== 0) bad.push(`page ${p}: unheld with ${a.pageLive[p]} live objects`);
      if (a.pageNext[p] !== 0 || a.pagePrev[p] !== 0) bad.push(`page ${p}: unheld but linked`);
      for (let w = 0; w < W; w++)
        if (a.freeBits[p * W + w] !== 0 || a.handedBits[p * W + w] !== 0)
          bad.push(`page ${p}: unheld with free or handed-out bits`);
      for (let c = p * C; c < (p + 1) * C; c++) {
        if (a.reqBytes[c] !== 0) {
          bad.push(`chunk ${c}: unheld page with object data`);
          break;
        }
      }
      continue;
    }
    held++;
    slotCount[owner * a.SSTRIDE + K]++;
    if (!heldBit(p)) bad.push(`page ${p}: held but not in cpu ${owner}'s tree`);
    const k = cls - 1,
      objChunks = 1 << k,
      slots = C >>> k,
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
      if (s * size + size > a.pageBytes) bad.push(`page ${p}: slot ${s} straddles the page end`);
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
    if (live === 0) bad.push(`page ${p}: held with no live object (should have been released)`);
    if (live + freeCount !== slots) bad.push(`page ${p}: ${live} live + ${freeCount} free != ${slots}`);
    slotCount[owner * a.SSTRIDE + k] += freeCount;
    liveObjs += live;
  }
  // held-page trees: level 0 counts the held pages; each upper bit is set iff its word below is full
  for (let cpu = 0; cpu < cpus; cpu++) {
    const base = cpu * tree.stride;
    let bits = 0;
    for (let w = 0; w < tree.sizes[0]; w++) {
      let x = a.heldTree[base + w];
      for (; x !== 0; x &= x - 1) bits++;
    }
    if (bits !== slotCount[cpu * a.SSTRIDE + K]) bad.push(`cpu ${cpu}: ${bits} pages held in its tree`);
    for (let level = 1; level < tree.sizes.length; level++)
      for (let w = 0; w < tree.sizes[level - 1]; w++) {
        const full = a.heldTree[base + tree.offsets[level - 1] + w] === 0xffffffff;
        const up = (a.heldTree[base + tree.offsets[level] + (w >>> 5)] >>> (w & 31)) & 1;
        if (up !== (full ? 1 : 0))
          bad.push(`cpu ${cpu}: tree level ${level} bit ${w} is ${up}, word below full: ${full}`);
      }
  }
  // partial lists
  const seen = new Uint8Array(P);
  for (let cpu = 0; cpu < cpus; cpu++) {
    for (let k = 0; k < K; k++) {
      let prev = -1,
        steps = 0;
      for (let p = a.partialHead[cpu * a.PSTRIDE + k]; p >= 0; prev = p, p = a.pageNext[p] - 1) {
        if (p >= P || ++steps > P) {
          bad.push(`partial list (${cpu},${k}) is corrupt or cyclic`);
          break;
        }
        if (seen[p]) {
          bad.push(`page ${p}: on a partial list twice`);
          break;
        }
        seen[p] = 1;
        if (a.pagePrev[p] - 1 !== prev) bad.push(`page ${p}: prev ${a.pagePrev[p] - 1}, want ${prev}`);
        if (a.pageClass[p] !== k + 1) bad.push(`page ${p}: on class ${k} list with class code ${a.pageClass[p]}`);
        if (a.ownerOfPage(p) !== cpu) bad.push(`page ${p}: on cpu ${cpu}'s list but owned by ${a.ownerOfPage(p)}`);
        if (!written(p)) bad.push(`page ${p}: listed in a never-written segment`);
      }
    }
  }
  for (let p = 0; p < P; p++) {
    if (!written(p)) {
      p = (Math.floor(p / SEGMENT_PAGES) + 1) * SEGMENT_PAGES - 1;
      continue;
    }
    const cls = a.pageClass[p];
    const partial = cls > 0 && cls <= K && a.pageLive[p] < C >>> (cls - 1);
    if (partial && !seen[p]) bad.push(`page ${p}: partial but on no partial list`);
    if (!partial && seen[p]) bad.push(`page ${p}: on a partial list but not partial`);
    if (!partial && cls > 0 && (a.pageNext[p] !== 0 || a.pagePrev[p] !== 0)) bad.push(`page ${p}: full but linked`);
  }
  for (let cpu = 0; cpu < cpus; cpu++)
    for (let k = 0; k <= K; k++) {
      const want = slotCount[cpu * a.SSTRIDE + k],
        got = a.cpuSlots[cpu * a.SSTRIDE + k];
      if (got !== want)
        bad.push(`cpu ${cpu}: cpuSlots[${k}] = ${got}, recount ${want} (${k === K ? 'held pages' : 'free slots'})`);
    }
  const n = a.counters();
  if (n.requestedBytes !== req) bad.push(`counter requestedBytes ${n.requestedBytes}, recount ${req}`);
  if (n.allocatedBytes !== allocd) bad.push(`counter allocatedBytes ${n.allocatedBytes}, recount ${allocd}`);
  if (n.heldBytes !== held * a.pageBytes) bad.push(`counter heldBytes ${n.heldBytes}, recount ${held * a.pageBytes}`);
  if (n.allocs - n.frees !== liveObjs) bad.push(`allocs - frees = ${n.allocs - n.frees}, live objects ${liveObjs}`);
  return bad;
}
