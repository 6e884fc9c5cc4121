/**
 * Full consistency check of a SLUB instance (slow; tests run it after every op):
 * - the zone's own check, and conservation: free pages + pages of slabs and blocks = the pool;
 * - every block: all its pages name its first page; a slab's freelist and (for a CPU's active
 *   slab) that CPU's freelist hold free objects of the slab, once each, no cycles; every object is
 *   live or on exactly one of them; page->inuse = objects - |page->freelist|;
 * - lists: a frozen slab is its CPU's active slab or on that CPU's partial list (with the 3.6
 *   pages / 6.6 slabs counts of the list), an unfrozen one on the node's partial list (with free
 *   objects) or full; the node lists are doubly linked with nr_partial entries;
 * - counts: nr_slabs, total objects and live objects per cache, and the counters (requested,
 *   allocated, held, cached bytes; allocs - frees) equal a recount.
 * Pages are walked one by one only in 64-page segments the allocator has written (dirty stamps);
 * a never-written segment must be a zone page and costs O(1).
 */
import { SEGMENT_PAGES } from '../../core/dirty';
import {
  GRANULE,
  ISTRIDE,
  I_ORDER,
  KIND_LARGE,
  KIND_PAGES,
  K_FREE,
  K_PAGE,
  K_PARTIAL,
  LINE_I32,
  LIST_CPU,
  LIST_NODE,
  LIVE,
  NSTRIDE,
  N_HEAD,
  N_OBJECTS,
  N_PARTIAL,
  N_SLABS,
  N_TAIL,
} from './layout';
import type { SlubAllocator } from './slub';

export function checkSlubInvariants(s: SlubAllocator): string[] {
  const bad = [...s.zone.check()];
  const { P, pageBytes } = s;
  const nc = s.caches;
  for (let i = 0; i < s.locks.length; i += LINE_I32) if (s.locks[i] !== 0) bad.push(`lock ${i / LINE_I32} is held`);
  const slabs = new Float64Array(nc),
    objs = new Float64Array(nc),
    live = new Float64Array(nc),
    listed = new Float64Array(nc);
  let req = 0,
    allocB = 0,
    held = 0,
    cached = 0,
    blocks = 0,
    frozenSlabs = 0;
  const word = (g: number) => s.word(g);
  for (let p = 0; p < P && bad.length < 50;) {
    if (s.dirty.segGen[p >>> 6] === 0) {
      if (s.pgSlab[p] !== 0 || s.pgKind[p] !== 0) bad.push(`page ${p}: in a never-written segment but in a block`);
      p = (Math.floor(p / SEGMENT_PAGES) + 1) * SEGMENT_PAGES;
      continue;
    }
    const h = s.pgSlab[p] - 1;
    if (h < 0) {
      if (s.pgKind[p] || s.sFree[p] || s.sInuse[p] || s.sObjects[p] || s.sFrozen[p] || s.sList[p])
        bad.push(`page ${p}: a zone page with slab state`);
      p++;
      continue;
    }
    const order = s.zone.usedOrder(h);
    if (h !== p || order < 0) {
      bad.push(`page ${p}: names block ${h}, which ${order < 0 ? 'is no allocated block' : 'starts elsewhere'}`);
      p++;
      continue;
    }
    const pages = 2 ** order,
      bytes = pageBytes * pages;
    for (let q = h; q < h + pages; q++) {
      if (s.pgSlab[q] !== h + 1) bad.push(`page ${q}: in block ${h} but names ${s.pgSlab[q] - 1}`);
      if (q > h && s.pgKind[q] !== 0) bad.push(`page ${q}: a tail page with a kind`);
    }
    held += bytes;
    const kind = s.pgKind[h];
    p += pages;
    if (kind >= KIND_LARGE) {
      const r = s.sInuse[h];
      if (kind === KIND_PAGES ? r !== bytes : !(r > 0 && r <= bytes)) bad.push(`block ${h}: ${r} bytes requested`);
      req += r;
      allocB += bytes;
      blocks++;
      continue;
    }
    const c = kind - 1;
    if (c < 0 || c >= nc) {
      bad.push(`slab ${h}: cache ${c} not in use`);
      continue;
    }
    const size = s.sizeOf(c),
      objects = s.objectsOf(h);
    if (objects !== Math.floor(bytes / size))
      bad.push(`slab ${h}: ${objects} objects, its order holds ${Math.floor(bytes / size)}`);
    slabs[c]++;
    objs[c] += objects;
    const seen = new Uint8Array(objects);
    const walk = (first: number, what: string): number => {
      let n = 0;
      for (let f = first; f !== 0; f = word(h * s.G + ((f - 1) * size) / GRANULE)) {
        const i = f - 1;
        if (i >= objects || seen[i]) {
          bad.push(`slab ${h}: ${what} reaches object ${i} ${i >= objects ? 'past the slab' : 'twice'}`);
          break;
        }
        seen[i] = 1;
        if (word(h * s.G + (i * size) / GRANULE) & LIVE) bad.push(`slab ${h}: live object ${i} on ${what}`);
        n++;
      }
      return n;
    };
    const nfree = walk(s.sFree[h], 'page->freelist');
    const frozen = s.sFrozen[h] - 1;
    const x = frozen * s.CS + c * 4;
    const active = frozen >= 0 && s.cpuSlab[x + K_PAGE] === h + 1;
    const ncpu = active ? walk(s.cpuSlab[x + K_FREE], `CPU ${frozen}'s freelist`) : 0;
    let nlive = 0;
    for (let i = 0; i < objects; i++) {
      const g = h * s.G + (i * size) / GRANULE,
        w = word(g);
      if (w & LIVE) {
        const r = (w & 0x7fff) + (size > 0x7fff ? word(g + 1) * 0x8000 : 0);
        if (!(r > 0 && r <= size)) bad.push(`slab ${h}: object ${i} has ${r} bytes requested of ${size}`);
        nlive++;
        req += r;
        allocB += size;
      } else if (!seen[i]) bad.push(`slab ${h}: free object ${i} on no freelist`);
    }
    live[c] += nlive;
    if (nlive + nfree + ncpu !== objects) bad.push(`slab ${h}: ${nlive} live + ${nfree} + ${ncpu} free != ${objects}`);
    if (s.sInuse[h] !== objects - nfree)
      bad.push(`slab ${h}: inuse ${s.sInuse[h]}, objects - freelist ${objects - nfree}`);
    const list = s.sList[h];
    if (frozen >= 0) {
      cached += (objects - nlive) * size;
      frozenSlabs++;
      if (list === LIST_NODE) bad.push(`slab ${h}: frozen by CPU ${frozen} and on the node's list`);
      if (!active && list !== LIST_CPU)
        bad.push(`slab ${h}: frozen by CPU ${frozen}, neither its active nor partial slab`);
    } else if (list === LIST_NODE) {
      listed[c]++;
      if (nfree === 0) bad.push(`slab ${h}: on the node's partial list without a free object`);
    } else if (list !== 0) bad.push(`slab ${h}: on a CPU's list but not frozen`);
    else if (nfree !== 0) bad.push(`slab ${h}: free objects but on no list and not frozen`);
  }
  let matched = 0;
  for (let c = 0; c < nc; c++) {
    const n = c * NSTRIDE;
    let count = 0,
      prev = -1;
    for (let h = s.nodeInfo[n + N_HEAD] - 1; h >= 0 && count <= P; prev = h, h = s.sNext[h] - 1) {
      count++;
      if (s.sPrev[h] - 1 !== prev) bad.push(`cache ${c}: slab ${h} has prev ${s.sPrev[h] - 1}, want ${prev}`);
      if (s.sList[h] !== LIST_NODE || s.pgKind[h] !== c + 1)
        bad.push(`cache ${c}: slab ${h} on its node list wrongly marked`);
    }
    if (s.nodeInfo[n + N_TAIL] - 1 !== prev) bad.push(`cache ${c}: tail ${s.nodeInfo[n + N_TAIL] - 1}, last ${prev}`);
    if (count !== s.nodeInfo[n + N_PARTIAL] || count !== listed[c])
      bad.push(
        `cache ${c}: ${count} slabs on the node list, nr_partial ${s.nodeInfo[n + N_PARTIAL]}, marked ${listed[c]}`,
      );
    if (s.nodeInfo[n + N_SLABS] !== slabs[c])
      bad.push(`cache ${c}: nr_slabs ${s.nodeInfo[n + N_SLABS]}, recount ${slabs[c]}`);
    if (s.nodeInfo[n + N_OBJECTS] !== objs[c])
      bad.push(`cache ${c}: total objects ${s.nodeInfo[n + N_OBJECTS]}, recount ${objs[c]}`);
    if (s.liveObjects(c) !== live[c]) bad.push(`cache ${c}: ${s.liveObjects(c)} live counted, ${live[c]} found`);
    if (c < s.kmallocCount && s.cacheInfo[c * ISTRIDE + I_ORDER] > 10) bad.push(`cache ${c}: order above 10`);
    for (let cpu = 0; cpu < s.cpus; cpu++) {
      const x = cpu * s.CS + c * 4,
        h = s.cpuSlab[x + K_PAGE] - 1;
      if (h >= 0) {
        matched++;
        if (s.sFrozen[h] !== cpu + 1 || s.sList[h] !== 0 || s.pgKind[h] !== c + 1)
          bad.push(`CPU ${cpu} cache ${c}: active slab ${h} not frozen by it, or listed`);
      } else if (s.cpuSlab[x + K_FREE] !== 0) bad.push(`CPU ${cpu} cache ${c}: a freelist without an active slab`);
      const chain: number[] = [];
      for (let q = s.cpuSlab[x + K_PARTIAL] - 1; q >= 0 && chain.length <= P; q = s.sNext[q] - 1) chain.push(q);
      chain.forEach((q, k) => {
        matched++;
        if (s.sFrozen[q] !== cpu + 1 || s.sList[q] !== LIST_CPU || s.pgKind[q] !== c + 1 || s.sFree[q] === 0)
          bad.push(`CPU ${cpu} cache ${c}: partial slab ${q} not frozen by it, unmarked or without free objects`);
        const count = s.code === 36 ? s.sAux2[q] : s.sAux[q];
        if (count !== chain.length - k)
          bad.push(`CPU ${cpu} cache ${c}: partial slab ${q} counts ${count} slabs, ${chain.length - k} follow`);
      });
    }
  }
  if (matched !== frozenSlabs) bad.push(`${frozenSlabs} frozen slabs, ${matched} on CPU structures`);
  const n = s.counters();
  if (n.requestedBytes !== req) bad.push(`counter requestedBytes ${n.requestedBytes}, recount ${req}`);
  if (n.allocatedBytes !== allocB) bad.push(`counter allocatedBytes ${n.allocatedBytes}, recount ${allocB}`);
  if (n.heldBytes !== held) bad.push(`counter heldBytes ${n.heldBytes}, recount ${held}`);
  if (n.pendingBytes !== cached) bad.push(`counter pendingBytes (cached) ${n.pendingBytes}, recount ${cached}`);
  const liveAll = live.reduce((a, b) => a + b, 0) + blocks;
  if (n.allocs - n.frees !== liveAll) bad.push(`allocs - frees = ${n.allocs - n.frees}, live ${liveAll}`);
  if (s.zone.freePages * pageBytes + held !== P * pageBytes)
    bad.push(`${s.zone.freePages} free pages + ${held / pageBytes} held != ${P}`);
  return bad;
}
