/**
 * SLUB's slow paths (mm/slub.c of each version; the fast paths are in slub.ts). They run when a
 * CPU's freelist is empty (allocSlow: __slab_alloc) or an object is freed to a slab that is not
 * the freeing CPU's active slab (freeSlow: __slab_free). Both touch state all CPUs share (slabs'
 * freelists, the node's partial lists, the zone), so they call gate() first and hold the cache's
 * lock.
 *
 * Frozen slabs (a CPU's active slab, and 3.6+ per-CPU partial slabs) belong to one CPU: their free
 * objects are "cached" (Counters.pendingBytes). Every freeze and unfreeze moves their free bytes
 * in or out of that figure.
 *
 * What is not modelled: deactivate_slab of 3.6 and 6.6 and flush_slab (they run on CPU hotplug,
 * kmem_cache_shrink, NUMA node or pfmemalloc mismatches, none of which the model has: there a CPU
 * leaves its active slab only when get_freelist finds it full); debug caches; NUMA (one node).
 */
import {
  CSTRIDE,
  C_CACHED,
  ISTRIDE,
  I_CPU_PARTIAL,
  I_MIN_PARTIAL,
  K_FREE,
  K_PAGE,
  K_PARTIAL,
  LIST_CPU,
  NSTRIDE,
  N_HEAD,
  N_PARTIAL,
} from './layout';
import type { SlubState } from './state';

/** Free bytes of the slab at h (objects not in use), e.g. when it is frozen or unfrozen. */
function freeBytes(s: SlubState, h: number, size: number): number {
  return (s.objectsOf(h) - s.sInuse[h]) * size;
}

/** Whether an empty slab goes back to the zone: 3.6 nr_partial > min_partial; 6.6 >= (2.6.22: see unfreeze2622). */
function discardEmpty(s: SlubState, c: number): boolean {
  const nr = s.nodeInfo[c * NSTRIDE + N_PARTIAL],
    min = s.cacheInfo[c * ISTRIDE + I_MIN_PARTIAL];
  return s.code === 36 ? nr > min : nr >= min;
}

/**
 * __slab_alloc(): an object for `cpu` from cache `c`, as an object index of the CPU's active slab
 * (c->page) after the call, or -1 when no slab can be had (the zone has no block for one).
 */
export function allocSlow(s: SlubState, cpu: number, c: number): number {
  s.gate();
  s.lockCache(c);
  const r = s.code === 2622 ? alloc2622(s, cpu, c) : alloc36(s, cpu, c);
  s.unlockCache(c);
  return r;
}

/** 2.6.22 load_freelist: page->freelist becomes the lockless freelist but its first object. */
function load2622(s: SlubState, x: number, h: number, size: number): number {
  const obj = s.sFree[h] - 1;
  s.cpuSlab[x + K_FREE] = s.word(s.granule(h, obj, size));
  s.sInuse[h] = s.objectsOf(h);
  s.sFree[h] = 0;
  s.mark(h);
  return obj;
}

/** 2.6.22 __slab_alloc: reload from page->freelist, else another slab: partial, else new. */
function alloc2622(s: SlubState, cpu: number, c: number): number {
  const x = cpu * s.CS + c * 4,
    size = s.sizeOf(c);
  let h = s.cpuSlab[x + K_PAGE] - 1;
  if (h >= 0) {
    if (s.sFree[h] !== 0) return load2622(s, x, h, size);
    deactivate2622(s, cpu, c, h); // another_slab
  }
  // new_slab: get_partial() takes the first slab of the node's list (lock_and_freeze_slab).
  h = s.nodeInfo[c * NSTRIDE + N_HEAD] - 1;
  if (h >= 0) {
    s.removePartial(c, h);
  } else {
    h = s.newSlab(cpu, c);
    if (h < 0) return -1;
    s.sInuse[h] = 0;
  }
  s.sFrozen[h] = cpu + 1;
  s.cached(cpu, freeBytes(s, h, size));
  s.cpuSlab[x + K_PAGE] = h + 1;
  return load2622(s, x, h, size);
}

/** 2.6.22 deactivate_slab(): the lockless freelist back onto page->freelist, then unfreeze_slab(). */
function deactivate2622(s: SlubState, cpu: number, c: number, h: number): void {
  const x = cpu * s.CS + c * 4,
    size = s.sizeOf(c);
  while (s.cpuSlab[x + K_FREE] !== 0) {
    const obj = s.cpuSlab[x + K_FREE] - 1,
      g = s.granule(h, obj, size);
    s.cpuSlab[x + K_FREE] = s.word(g);
    s.setWord(g, s.sFree[h]);
    s.sFree[h] = obj + 1;
    s.sInuse[h]--;
  }
  s.cpuSlab[x + K_PAGE] = 0;
  s.sFrozen[h] = 0;
  s.mark(h);
  s.cached(cpu, -freeBytes(s, h, size));
  // unfreeze_slab(): a partial slab to the list's head; an empty one kept (at the tail) while
  // nr_partial < MIN_PARTIAL, else discarded; a full one on no list.
  if (s.sInuse[h] !== 0) {
    if (s.sFree[h] !== 0) s.addPartial(c, h, false);
  } else if (s.nodeInfo[c * NSTRIDE + N_PARTIAL] < s.cacheInfo[c * ISTRIDE + I_MIN_PARTIAL]) {
    s.addPartial(c, h, true);
  } else s.discardSlab(cpu, c, h);
}

/** 3.6 / 6.6 get_freelist(): take page->freelist; a slab without one is unfrozen (full, on no list). */
function getFreelist(s: SlubState, h: number): number {
  const fl = s.sFree[h];
  s.sFree[h] = 0;
  s.sInuse[h] = s.objectsOf(h);
  if (fl === 0) s.sFrozen[h] = 0;
  s.mark(h);
  return fl;
}

/** load_freelist: c->freelist = the rest of `fl`; returns fl's first object. */
function load(s: SlubState, x: number, h: number, fl: number, size: number): number {
  s.cpuSlab[x + K_FREE] = s.word(s.granule(h, fl - 1, size));
  return fl - 1;
}

/** 3.6 and 6.6 __slab_alloc / ___slab_alloc. */
function alloc36(s: SlubState, cpu: number, c: number): number {
  const x = cpu * s.CS + c * 4,
    size = s.sizeOf(c);
  let h = s.cpuSlab[x + K_PAGE] - 1;
  if (h >= 0) {
    const fl = getFreelist(s, h);
    if (fl !== 0) return load(s, x, h, fl, size);
    s.cpuSlab[x + K_PAGE] = 0;
  }
  // new_slab: the per-CPU partial list first.
  const p = s.cpuSlab[x + K_PARTIAL] - 1;
  if (p >= 0) {
    s.cpuSlab[x + K_PARTIAL] = s.sNext[p];
    s.sNext[p] = s.sList[p] = s.sAux[p] = s.sAux2[p] = 0;
    s.cpuSlab[x + K_PAGE] = p + 1;
    s.cpuSlab[x + K_FREE] = 0;
    return load(s, x, p, getFreelist(s, p), size);
  }
  const fl = getPartialNode(s, cpu, c, size);
  if (fl !== 0) return load(s, x, s.cpuSlab[x + K_PAGE] - 1, fl, size);
  h = s.newSlab(cpu, c);
  if (h < 0) return -1;
  // new_slab_objects: the whole freelist goes to the CPU; the slab is frozen and "all in use".
  s.sFree[h] = 0;
  s.sInuse[h] = s.objectsOf(h);
  s.sFrozen[h] = cpu + 1;
  s.cached(cpu, s.sInuse[h] * size);
  s.cpuSlab[x + K_PAGE] = h + 1;
  return load(s, x, h, 1, size);
}

/**
 * get_partial_node(): acquire_slab() the first slab of the node's list as the CPU's active slab
 * (its freelist taken), then more into the per-CPU partial list until enough: 3.6 until the
 * objects put there exceed cpu_partial / 2 (the first slab counts 0 available: acquire_slab has
 * set its inuse to objects before `page->objects - page->inuse` is read); 6.6 until more than
 * cpu_partial_slabs / 2 slabs. Returns the active slab's freelist (object index + 1), 0 if none.
 */
function getPartialNode(s: SlubState, cpu: number, c: number, size: number): number {
  const x = cpu * s.CS + c * 4,
    limit = s.cacheInfo[c * ISTRIDE + I_CPU_PARTIAL];
  let h = s.nodeInfo[c * NSTRIDE + N_HEAD] - 1,
    object = 0,
    partialSlabs = 0;
  while (h >= 0) {
    const next = s.sNext[h] - 1;
    s.removePartial(c, h);
    s.sFrozen[h] = cpu + 1;
    s.cached(cpu, freeBytes(s, h, size));
    let available = 0;
    if (object === 0) {
      object = s.sFree[h];
      s.sFree[h] = 0;
      s.sInuse[h] = s.objectsOf(h);
      s.cpuSlab[x + K_PAGE] = h + 1;
    } else {
      available = putCpuPartial(s, cpu, c, h, false);
      partialSlabs++;
    }
    if (s.code === 36 ? available > Math.floor(limit / 2) : !s.hasCpuPartial || partialSlabs > Math.floor(limit / 2))
      break;
    h = next;
  }
  return object;
}

/**
 * put_cpu_partial(): push the frozen slab at h on the CPU's partial list. With `drain`, a full
 * list is first unfrozen onto the node's list: 3.6 when its pobjects exceed cpu_partial (then the
 * slab starts a new list); 6.6 when it holds cpu_partial_slabs slabs (the slab replaces it, and
 * the old list is unfrozen after). Returns 3.6's pobjects or 6.6's slab count.
 */
function putCpuPartial(s: SlubState, cpu: number, c: number, h: number, drain: boolean): number {
  const x = cpu * s.CS + c * 4,
    limit = s.cacheInfo[c * ISTRIDE + I_CPU_PARTIAL];
  let old = s.cpuSlab[x + K_PARTIAL] - 1;
  let r: number;
  if (s.code === 36) {
    let pobjects = 0,
      pages = 0;
    if (old >= 0) {
      pobjects = s.sAux[old];
      pages = s.sAux2[old];
      if (drain && pobjects > limit) {
        unfreezePartials(s, cpu, c, old);
        old = -1;
        pobjects = pages = 0;
      }
    }
    s.sAux2[h] = pages + 1;
    r = s.sAux[h] = pobjects + s.objectsOf(h) - s.sInuse[h];
  } else {
    let unfreeze = -1,
      slabs = 0;
    if (old >= 0) {
      if (drain && s.sAux[old] >= limit) {
        unfreeze = old;
        old = -1;
      } else slabs = s.sAux[old];
    }
    r = s.sAux[h] = slabs + 1;
    s.sNext[h] = old + 1;
    s.sList[h] = LIST_CPU;
    s.cpuSlab[x + K_PARTIAL] = h + 1;
    s.mark(h);
    if (unfreeze >= 0) unfreezePartials(s, cpu, c, unfreeze);
    return r;
  }
  s.sNext[h] = old + 1;
  s.sList[h] = LIST_CPU;
  s.cpuSlab[x + K_PARTIAL] = h + 1;
  s.mark(h);
  return r;
}

/**
 * unfreeze_partials() / __unfreeze_partials(): every slab of a CPU partial list from `first`
 * unfrozen, to the node list's tail, or (empty, and the node has min_partial slabs) discarded
 * after the walk, the last found first (the kernel stacks them on page->next).
 */
function unfreezePartials(s: SlubState, cpu: number, c: number, first: number): void {
  const x = cpu * s.CS + c * 4,
    size = s.sizeOf(c);
  if (s.cpuSlab[x + K_PARTIAL] === first + 1) s.cpuSlab[x + K_PARTIAL] = 0;
  let discard = -1;
  for (let h = first; h >= 0;) {
    const next = s.sNext[h] - 1;
    s.sNext[h] = s.sList[h] = s.sAux[h] = s.sAux2[h] = 0;
    s.sFrozen[h] = 0;
    s.mark(h);
    s.cached(cpu, -freeBytes(s, h, size));
    if (s.sInuse[h] === 0 && discardEmpty(s, c)) {
      s.sNext[h] = discard + 1;
      discard = h;
    } else s.addPartial(c, h, true);
    h = next;
  }
  while (discard >= 0) {
    const h = discard;
    discard = s.sNext[h] - 1;
    s.sNext[h] = 0;
    s.discardSlab(cpu, c, h);
  }
}

/**
 * __slab_free(): object `obj` (granule g) of the slab at h, which is not the freeing CPU's active
 * slab, onto page->freelist. 2.6.22: a frozen slab just takes it; an empty slab is discarded; a
 * full one goes to the partial list's head. 3.6 / 6.6: a slab that was full and not frozen is
 * frozen onto the freeing CPU's partial list (6.6 without per-CPU partial lists: to the node list's
 * tail); an empty slab is discarded if the node has enough partial slabs, else stays listed.
 */
export function freeSlow(s: SlubState, cpu: number, c: number, h: number, obj: number, g: number): void {
  s.gate();
  s.lockCache(c);
  const size = s.sizeOf(c);
  const prior = s.sFree[h];
  s.setWord(g, prior);
  s.sFree[h] = obj + 1;
  const inuse = --s.sInuse[h];
  s.mark(h);
  if (s.sFrozen[h] !== 0) {
    s.cnt[cpu * CSTRIDE + C_CACHED] += size;
  } else if (s.code === 2622) {
    if (inuse === 0) {
      if (prior !== 0) s.removePartial(c, h);
      s.discardSlab(cpu, c, h);
    } else if (prior === 0) s.addPartial(c, h, false);
  } else if (inuse === 0 || prior === 0) {
    if (s.hasCpuPartial && prior === 0) {
      s.sFrozen[h] = cpu + 1;
      s.cached(cpu, size);
      putCpuPartial(s, cpu, c, h, true);
    } else if (inuse === 0 && discardEmpty(s, c)) {
      if (prior !== 0) s.removePartial(c, h);
      s.discardSlab(cpu, c, h);
    } else if (prior === 0) s.addPartial(c, h, true);
  }
  s.unlockCache(c);
}
