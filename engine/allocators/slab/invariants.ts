/**
 * SLAB's consistency check (slow; tests and --check). Segments never written are skipped in O(1)
 * (their pages are all zero: no slab, nothing used). Checked:
 * - the zone (buddy/zone.ts check()): lists, counts, alignment, no unmerged free buddies;
 * - every slab on exactly one list of its cache, links both ways, the list lengths; its pages
 *   marked with its cache and making one used zone block of the cache's order, in no free block;
 * - inuse = objects not free in the slab; the bufctl chain visits exactly the free objects; full,
 *   partial and free lists hold slabs with num, some and no objects in use; free_objects is the
 *   sum over the cache's slabs;
 * - off-slab management: one MGMT object of the management cache per slab, of slab_size bytes;
 * - every array entry an object of its cache in the state of that array, no object twice, the
 *   counts of cached and shared objects equal to the arrays' avail;
 * - conservation: slab pages + allocPages pages + free zone pages = the zone, and every used zone
 *   block is a slab or an allocPages block; held, allocated, requested and cached bytes as counted.
 */
import { SEGMENT_PAGES } from '../../core/dirty';
import type { Counters } from '../../core/types';
import {
  C,
  CACHED,
  FREE,
  L_FREE,
  L_FULL,
  L_PARTIAL,
  LIVE,
  MGMT,
  NSTRIDE,
  N_COLOUR,
  N_FREE_OBJS,
  N_FREE_TOUCHED,
  N_LEN,
  PAGE_BLOCK,
  SHARED,
  objChunk,
  type SlabState,
} from './layout';
import { SLAB_PAGE_BYTES } from './params';

const LIST_NAMES = ['full', 'partial', 'free'];

export function checkSlabInvariants(s: SlabState & { counters(): Counters }): string[] {
  const errs: string[] = [];
  const err = (m: string) => {
    if (errs.length < 30) errs.push(m);
  };
  errs.push(...s.zone.check());
  /** Per page: 1 = the first page of a listed slab (set while walking the lists). */
  const slabHead = new Uint8Array(s.P);
  const stateCount = new Map<number, number>();
  const mgmtSeen = new Set<number>();
  let slabPages = 0,
    offSlabSlabs = 0,
    liveBytes = 0,
    liveReq = 0;
  s.caches.forEach((c, k) => {
    const nb = k * NSTRIDE;
    let freeObjs = 0;
    for (const L of [L_FULL, L_PARTIAL, L_FREE]) {
      let n = 0,
        prev = 0;
      for (let q = s.node[nb + 2 * L]; q; q = s.slNext[q - 1]) {
        const f = q - 1,
          what = `${c.name} slab ${f}`;
        if (++n > s.P) {
          err(`${c.name}: the ${LIST_NAMES[L]} list loops`);
          break;
        }
        if (slabHead[f]) err(`${what} is listed twice`);
        slabHead[f] = 1;
        if (s.slPrev[f] !== prev) err(`${what}: prev ${s.slPrev[f] - 1}, expected ${prev - 1}`);
        if (s.slList[f] !== L + 1) err(`${what} on the ${LIST_NAMES[L]} list says list ${s.slList[f]}`);
        if (f % (1 << c.gfporder) !== 0 || s.zone.usedOrder(f) !== c.gfporder)
          err(`${what} is not a used zone block of order ${c.gfporder}`);
        const overlap = s.zone.freeBlockAt(f);
        if (overlap) err(`${what} overlaps the free zone block of order ${overlap.order} at ${overlap.first}`);
        for (let p = f; p < f + (1 << c.gfporder); p++)
          if (s.pgCache[p] !== k + 1) err(`${what}: page ${p} marked ${s.pgCache[p]}, expected ${k + 1}`);
        slabPages += 1 << c.gfporder;
        // Objects by state; the bufctl chain of the free ones.
        let free = 0;
        const isFree = new Uint8Array(c.num);
        for (let i = 0; i < c.num; i++) {
          const obj = objChunk(s, k, f, i),
            st = s.objState[obj];
          stateCount.set(st, (stateCount.get(st) ?? 0) + 1);
          if (st === FREE) {
            free++;
            isFree[i] = 1;
            if (s.reqBytes[obj] !== 0) err(`${what}: free object ${i} has requested bytes ${s.reqBytes[obj]}`);
          } else if (st === LIVE) {
            liveBytes += c.objBytes;
            liveReq += s.reqBytes[obj];
            if (!(s.reqBytes[obj] > 0 && s.reqBytes[obj] <= c.csSize))
              err(`${what}: live object ${i} requested ${s.reqBytes[obj]} bytes`);
          } else if (st !== MGMT && st !== SHARED && !(st >= CACHED && st < CACHED + s.cpus))
            err(`${what}: object ${i} in state ${st}`);
        }
        if (s.slInuse[f] !== c.num - free) err(`${what}: inuse ${s.slInuse[f]}, ${c.num - free} objects not free`);
        let chain = 0;
        for (let i = s.slFree[f]; i !== -1; i = s.bufctl[f * C + i]) {
          if (!(i >= 0 && i < c.num) || !isFree[i] || ++chain > c.num) {
            err(`${what}: bufctl chain reaches ${i}, not a free object (or loops)`);
            break;
          }
          isFree[i] = 2;
        }
        if (chain !== free) err(`${what}: bufctl chain of ${chain} objects, ${free} free`);
        const want = free === 0 ? L_FULL : free === c.num ? L_FREE : L_PARTIAL;
        if (want !== L) err(`${what} with ${free} of ${c.num} free is on the ${LIST_NAMES[L]} list`);
        freeObjs += free;
        if (c.offSlab) {
          offSlabSlabs++;
          const m = s.slMgmt[f] - 1;
          const mc = s.caches[c.mgmtCache];
          const mp = m >>> 7;
          if (m < 0 || s.pgCache[mp] !== c.mgmtCache + 1 || s.objState[m] !== MGMT || s.reqBytes[m] !== c.slabSize)
            err(`${what}: management object ${m} is no ${mc.name} object of ${c.slabSize} bytes in state MGMT`);
          else if (mgmtSeen.has(m)) err(`${what}: management object ${m} serves two slabs`);
          mgmtSeen.add(m);
        } else if (s.slMgmt[f] !== 0) err(`${what}: on-slab but slMgmt ${s.slMgmt[f]}`);
        prev = q;
      }
      if (n !== s.node[nb + N_LEN + L])
        err(`${c.name}: ${n} ${LIST_NAMES[L]} slabs, length says ${s.node[nb + N_LEN + L]}`);
    }
    if (freeObjs !== s.node[nb + N_FREE_OBJS])
      err(`${c.name}: ${freeObjs} free objects, free_objects ${s.node[nb + N_FREE_OBJS]}`);
    if (s.node[nb + N_COLOUR] >= Math.max(1, c.colour)) err(`${c.name}: colour_next ${s.node[nb + N_COLOUR]}`);
    if (s.node[nb + N_FREE_TOUCHED] > 1) err(`${c.name}: free_touched ${s.node[nb + N_FREE_TOUCHED]}`);
  });
  if ((stateCount.get(MGMT) ?? 0) !== offSlabSlabs)
    err(`${stateCount.get(MGMT) ?? 0} management objects for ${offSlabSlabs} off-slab slabs`);
  checkArrays(s, stateCount, err);
  // Pages: every marked page belongs to a listed slab or an allocPages block; used zone blocks likewise.
  let blockPages = 0;
  for (let seg = 0; seg * SEGMENT_PAGES < s.P; seg++) {
    if (s.dirty.segGen[seg] === 0) continue;
    for (let p = seg * SEGMENT_PAGES; p < Math.min(s.P, (seg + 1) * SEGMENT_PAGES); p++) {
      const pc = s.pgCache[p],
        o = s.zone.usedOrder(p);
      if (pc === PAGE_BLOCK) {
        blockPages++;
        if (o >= 0)
          for (let q = p; q < p + (1 << o); q++) if (s.pgCache[q] !== PAGE_BLOCK) err(`page ${q} of a page block`);
      } else if (pc !== 0) {
        const f = p & ~((1 << s.caches[pc - 1].gfporder) - 1);
        if (!slabHead[f]) err(`page ${p} marked ${s.caches[pc - 1].name} belongs to no listed slab`);
      } else if (o >= 0) err(`page ${p} starts a used zone block of order ${o} that no slab or page block holds`);
      if (o >= 0 && pc !== 0 && pc !== PAGE_BLOCK && !slabHead[p])
        err(`used zone block at ${p} is no slab's first page`);
    }
  }
  if (slabPages + blockPages + s.zone.freePages !== s.P)
    err(`${slabPages} slab pages + ${blockPages} block pages + ${s.zone.freePages} free pages != ${s.P}`);
  const k = s.counters();
  const blockBytes = blockPages * SLAB_PAGE_BYTES;
  if (k.heldBytes !== (slabPages + blockPages) * SLAB_PAGE_BYTES)
    err(`held ${k.heldBytes} bytes, slabs and blocks have ${(slabPages + blockPages) * SLAB_PAGE_BYTES}`);
  if (k.allocatedBytes !== liveBytes + blockBytes)
    err(`allocated ${k.allocatedBytes}, live objects ${liveBytes + blockBytes}`);
  if (k.requestedBytes !== liveReq + blockBytes)
    err(`requested ${k.requestedBytes}, live objects ${liveReq + blockBytes}`);
  let cachedBytes = 0;
  s.caches.forEach((c, kk) => {
    cachedBytes += s.shAvail[kk] * c.objBytes;
    for (let cpu = 0; cpu < s.cpus; cpu++) cachedBytes += s.ac[cpu * s.AS + 2 * kk] * c.objBytes;
  });
  if (k.pendingBytes !== cachedBytes) err(`pending ${k.pendingBytes} bytes, the arrays hold ${cachedBytes}`);
  return errs;
}

/** Array entries: objects of their cache in the matching state, each once, counts agreeing with objState. */
function checkArrays(s: SlabState, stateCount: Map<number, number>, err: (m: string) => void): void {
  const seen = new Set<number>();
  const entry = (k: number, obj: number, want: number, where: string) => {
    const p = obj >>> 7;
    if (!(p >= 0 && p < s.P) || s.pgCache[p] !== k + 1)
      return err(`${where}: entry ${obj} is not in a ${s.caches[k].name} slab`);
    if (s.objState[obj] !== want) err(`${where}: object ${obj} in state ${s.objState[obj]}, expected ${want}`);
    if (seen.has(obj)) err(`${where}: object ${obj} is in two arrays`);
    seen.add(obj);
  };
  s.caches.forEach((c, k) => {
    for (let cpu = 0; cpu < s.cpus; cpu++) {
      const a = cpu * s.AS + 2 * k,
        avail = s.ac[a];
      const where = `${c.name} CPU ${cpu}'s array`;
      if (!(avail >= 0 && avail <= c.limit)) err(`${where}: avail ${avail}, limit ${c.limit}`);
      if (s.ac[a + 1] > 1) err(`${where}: touched ${s.ac[a + 1]}`);
      for (let j = 0; j < Math.min(avail, c.limit); j++)
        entry(k, s.acEnt[cpu * s.ES + s.entOff[k] + j], CACHED + cpu, where);
    }
    const sa = s.shAvail[k];
    if (!(sa >= 0 && sa <= c.sharedLimit)) err(`${c.name} shared array: avail ${sa}, limit ${c.sharedLimit}`);
    for (let j = 0; j < Math.min(sa, c.sharedLimit); j++)
      entry(k, s.shEnt[s.shOff[k] + j], SHARED, `${c.name} shared array`);
  });
  let inArrays = 0;
  for (let cpu = 0; cpu < s.cpus; cpu++) for (let k = 0; k < s.caches.length; k++) inArrays += s.ac[cpu * s.AS + 2 * k];
  let cachedStates = 0;
  for (const [st, n] of stateCount) if (st >= CACHED) cachedStates += n;
  if (cachedStates !== inArrays) err(`${cachedStates} objects marked cached, the CPU arrays hold ${inArrays}`);
  const sharedTotal = s.caches.reduce((t, _c, k) => t + s.shAvail[k], 0);
  if ((stateCount.get(SHARED) ?? 0) !== sharedTotal)
    err(`${stateCount.get(SHARED) ?? 0} objects marked shared, the shared arrays hold ${sharedTotal}`);
}
