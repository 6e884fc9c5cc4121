/**
 * Full consistency check of an NTA instance (slow; tests run it after every op).
 *
 * Chunk by chunk it walks only what the allocator has written: each CPU's touched initial
 * regions and the grown nodes. Untouched regions and the zone's free blocks must be all zero in
 * NTA's own fields (never written); in a small pool (up to 2^16 chunks) every byte of them is
 * checked, in a big one their per-page fields at both ends of each range, O(1) per range. So
 * the cost follows the touched pages and the zone's blocks, not the pool.
 *
 * 0. The zone (its own check) and what it handed out: the initial pages are its blocks taken at
 *    start, exactly tiling [0, initial pages); every block taken later is a grown node (one page,
 *    PATCH2) or a page-level block (allocPages); held pages (initial + grown + page-level) and the
 *    zone's free pages add up to the pool (pages conserved between the zone and NTA).
 * 1. Pages: a touched page belongs to a node of its owner (initial pages: the CPU the initial
 *    layout gives).
 * 2. Lists: every linked container is a maximal run of free bits in one node of its CPU, of
 *    exactly the list's length; links (but a head's prev and a tail's next), tails, counts (plus the untouched regions on each CPU's
 *    full-region list) and the nonEmpty bits agree.
 * 3. Every free bit is covered by exactly one listed run; every used bit by exactly one live,
 *    mapped, pending or postponed block (no overlap, chunks conserved); only a run's or a block's
 *    first chunk is marked a head (what the derived chunk states, page-states.ts, rely on).
 * 4. Remote-free lists hold exactly the pending blocks, each on its owner's list.
 * 5. Counters equal a recount.
 * 6. No stale links: a pair of `links` words is non-zero only where one of its two chunks
 *    starts a listed run, and `remote` only at a queued block (a run leaving its list and a
 *    block leaving a remote list clear theirs, so checkpoints code zeros, not noise).
 */
import {
  blockChunks,
  KIND_MASK,
  SIZE_SHIFT,
  H_NONE,
  H_FREE,
  H_LIVE,
  H_MAPPED,
  H_PENDING,
  H_POSTPONED,
  PAGE_BLOCK,
  U_STRIDE,
} from './layout';
import { initialRegionOwner, initialRegions } from './regions';
import type { NtaAllocator } from './nta';

/** Pools up to this many chunks get their never-written pages checked byte by byte. */
const SMALL_CHUNKS = 1 << 16;

export function checkNtaInvariants(a: NtaAllocator): string[] {
  const errs: string[] = [];
  const err = (m: string) => {
    if (errs.length < 20) errs.push(m);
  };
  const { v, cpp, lists } = a;
  const p = a.params;
  const C = p.chunkBytes;
  const perNode = 1 << p.regionOrder;
  const bit = (i: number) => (v.bitmap[i >>> 5] >>> (i & 31)) & 1;
  const kind = (c: number) => v.block[c] & KIND_MASK,
    len = (c: number) => blockChunks(v.block[c], a.chunkShift);
  const { zone } = a;
  const small = p.maxPages * cpp <= SMALL_CHUNKS;
  for (const e of zone.check()) err(`zone: ${e}`);

  /** Pages [from, to) were never written: all zero (whole when small, else both ends' per-page fields). */
  const neverWritten = (from: number, to: number, what: string) => {
    if (from >= to) return;
    const pages = small ? Array.from({ length: to - from }, (_, i) => from + i) : [from, to - 1];
    for (const pg of pages) {
      if (v.pageNode[pg] !== 0 || v.pageOwner[pg] !== 0 || v.nodePages[pg] !== 0) {
        err(`${what} page ${pg} has a node or owner`);
        return;
      }
      if (!small) continue;
      for (let c = pg * cpp; c < (pg + 1) * cpp; c++)
        if (bit(c) || v.block[c] !== 0 || v.links[c] !== 0 || v.remote[c] !== 0) {
          err(`${what} page ${pg}: chunk ${c} was written (bit ${bit(c)}, block ${v.block[c]})`);
          return;
        }
    }
  };

  // The initial pages: the zone's blocks taken at start, exactly [0, initial pages).
  let at = 0;
  while (at < a.initialPages) {
    const o = zone.usedOrder(at);
    if (o < 0) {
      err(`initial page ${at} is the first page of no zone block taken at start`);
      break;
    }
    at += 1 << o;
  }
  if (at > a.initialPages) err(`a zone block crosses the end of the initial pages (${a.initialPages})`);

  // Touched page ranges [start, end): each CPU's touched initial regions, then the grown nodes.
  const ranges: [number, number][] = [];
  const untouchedRegions: number[] = [];
  let untouchedPages = 0;
  for (let cpu = 0; cpu < a.cpus; cpu++) {
    const { first, count } = initialRegions(p, cpu);
    const next = v.untouched[cpu * U_STRIDE];
    if (next < first || next > first + count)
      err(`cpu ${cpu}: next untouched region ${next} outside ${first}..${first + count}`);
    const upto = Math.min(Math.max(next, first), first + count);
    if (upto > first) ranges.push([first * perNode, upto * perNode]);
    untouchedRegions.push(first + count - upto);
    untouchedPages += (first + count - upto) * perNode;
    neverWritten(upto * perNode, (first + count) * perNode, `untouched (cpu ${cpu})`);
  }
  // After the initial pages, the zone's blocks: free ones (never written by NTA), grown nodes and
  // page-level blocks (never written but their first page's marker).
  let pageBlockPages = 0;
  for (let pg = a.initialPages; pg < p.maxPages;) {
    const fo = zone.freeOrder(pg);
    if (fo >= 0) {
      neverWritten(pg, pg + (1 << fo), 'zone-free');
      pg += 1 << fo;
      continue;
    }
    const uo = zone.usedOrder(pg);
    if (uo < 0) {
      err(`page ${pg} is the first page of no zone block`);
      break;
    }
    const n = 1 << uo;
    if (v.nodePages[pg] === PAGE_BLOCK) {
      if (v.pageNode[pg] !== 0 || v.pageOwner[pg] !== 0) err(`page-level block at ${pg} has a node or owner`);
      neverWritten(pg + 1, pg + n, 'page-level block');
      pageBlockPages += n;
    } else if (v.pageNode[pg] === pg + 1 && v.nodePages[pg] === n) ranges.push([pg, pg + n]);
    else err(`zone block at page ${pg} (order ${uo}) is neither a node nor a page-level block`);
    pg += n;
  }
  ranges.sort((x, y) => x[0] - y[0]);
  // Neighbouring ranges as one (grown pages often are), so that a chunk's range is found fast.
  for (let i = 1; i < ranges.length; i++)
    if (ranges[i][0] === ranges[i - 1][1]) {
      ranges[i - 1][1] = ranges[i][1];
      ranges.splice(i--, 1);
    }

  // Coverage counts for the touched chunks only.
  const offset: number[] = [];
  let touchedChunks = 0;
  for (const [s, e] of ranges) {
    offset.push(touchedChunks);
    touchedChunks += (e - s) * cpp;
  }
  const cover = new Uint8Array(touchedChunks);
  const coverAt = (c: number): number => {
    const pg = Math.floor(c / cpp);
    let lo = 0,
      hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (pg < ranges[mid][0]) hi = mid - 1;
      else if (pg >= ranges[mid][1]) lo = mid + 1;
      else return offset[mid] + c - ranges[mid][0] * cpp;
    }
    return -1;
  };
  const touched = (visit: (c: number) => void) => {
    for (const [s, e] of ranges) for (let c = s * cpp; c < e * cpp; c++) visit(c);
  };

  let heldPages = untouchedPages;
  for (const [s, e] of ranges) {
    for (let pg = s; pg < e; pg++) {
      const node = v.pageNode[pg] - 1,
        owner = v.pageOwner[pg] - 1;
      if (node < 0) {
        err(`page ${pg} was touched but has no node`);
        continue;
      }
      heldPages++;
      if (node > pg || node + v.nodePages[node] <= pg)
        err(`page ${pg} points to node ${node} that does not contain it`);
      if (owner !== v.pageOwner[node] - 1 || owner < 0) err(`page ${pg} owner ${owner} differs from its node's`);
      if (pg < a.initialPages && owner !== initialRegionOwner(p, pg >> p.regionOrder))
        err(`initial page ${pg} owned by cpu ${owner}, not the cpu the initial layout gives it`);
    }
  }
  heldPages += pageBlockPages;
  const taken = p.maxPages - zone.freePages;
  if (heldPages !== taken)
    err(`${heldPages} pages belong to nodes, untouched regions or page-level blocks, but the zone gave ${taken}`);

  const nodeBounds = (c: number) => {
    const first = v.pageNode[Math.floor(c / cpp)] - 1;
    if (first < 0) return { rs: c, re: c, owner: -1 };
    return { rs: first * cpp, re: (first + v.nodePages[first]) * cpp, owner: v.pageOwner[first] - 1 };
  };
  const coverOnce = (i: number, what: string) => {
    const k = coverAt(i);
    if (k < 0) err(`${what}: chunk ${i} is not on a touched page`);
    else if (cover[k]++) err(`chunk ${i} covered twice (${what})`);
  };

  for (let cpu = 0; cpu < a.cpus; cpu++) {
    for (let idx = 0; idx < lists; idx++) {
      const k = cpu * lists + idx;
      let c = v.listHead[k],
        prev = -1,
        count = 0;
      // The walk ends at the tail (a tail's `next` and a head's `prev` are not kept).
      while (c >= 0 && count <= touchedChunks) {
        count++;
        if (prev >= 0 && v.links[c | 1] !== prev) err(`cpu ${cpu} list ${idx}: bad prev link at chunk ${c}`);
        if (kind(c) !== H_FREE || len(c) !== idx + 1)
          err(`cpu ${cpu} list ${idx}: chunk ${c} is not a free run of ${idx + 1} (kind ${kind(c)}, length ${len(c)})`);
        const { rs, re, owner } = nodeBounds(c);
        if (owner !== cpu) err(`cpu ${cpu} list ${idx}: run at ${c} lies on cpu ${owner}'s page`);
        if (c + idx + 1 > re) err(`run at ${c} of ${idx + 1} chunks crosses its node's end`);
        for (let i = c; i < c + idx + 1 && i < re; i++) {
          if (!bit(i)) err(`run at ${c}: chunk ${i} not free in the bitmap`);
          if (i > c && v.block[i] !== H_NONE) err(`run at ${c}: chunk ${i} inside it is marked a block head`);
          coverOnce(i, `run at ${c}`);
        }
        if (c > rs && bit(c - 1))
          err(`run at ${c} is not maximal: chunk ${c - 1} below is free (two adjacent free runs)`);
        if (c + idx + 1 < re && bit(c + idx + 1))
          err(`run at ${c} is not maximal: chunk ${c + idx + 1} above is free (two adjacent free runs)`);
        prev = c;
        c = c === v.listTail[k] ? -1 : v.links[c & ~1];
      }
      if (v.listTail[k] !== prev) err(`cpu ${cpu} list ${idx}: tail ${v.listTail[k]} but the walk ends at ${prev}`);
      const implied = idx === lists - 1 ? untouchedRegions[cpu] : 0;
      if (v.listCount[k] !== count + implied)
        err(`cpu ${cpu} list ${idx}: count ${v.listCount[k]} but ${count} linked runs + ${implied} untouched regions`);
      const ne = (v.nonEmpty[cpu * a.listStride + (idx >>> 5)] >>> (idx & 31)) & 1;
      if (ne !== (count + implied > 0 ? 1 : 0))
        err(`cpu ${cpu} list ${idx}: nonEmpty bit ${ne} with ${count + implied} runs`);
    }
  }

  let req = pageBlockPages * p.pageBytes,
    alloc = pageBlockPages * p.pageBytes,
    postponed = 0,
    pendingBlocks = 0,
    pendingBytes = 0;
  touched((c) => {
    const h = kind(c);
    if (h !== H_LIVE && h !== H_MAPPED && h !== H_PENDING && h !== H_POSTPONED) return;
    const n = len(c);
    const { re } = nodeBounds(c);
    if (n < 1 || c + n > re) {
      err(`block at ${c} of ${n} chunks crosses its node`);
      return;
    }
    for (let i = c; i < c + n; i++) {
      if (bit(i)) err(`block at ${c}: chunk ${i} has its free bit set`);
      if (i > c && v.block[i] !== H_NONE) err(`block at ${c}: chunk ${i} inside it is marked a block head`);
      coverOnce(i, `block at ${c}`);
    }
    if (h === H_LIVE || h === H_MAPPED) {
      req += v.block[c] >>> SIZE_SHIFT;
      alloc += n * C;
    }
    if (h === H_POSTPONED) postponed += n * C;
    if (h === H_PENDING) {
      pendingBlocks++;
      pendingBytes += n * C;
    }
  });
  const lost = cover.findIndex((x) => x !== 1);
  if (lost >= 0) err(`a touched chunk is covered ${cover[lost]} times (chunks not conserved)`);

  let queued = 0;
  for (let cpu = 0; cpu < a.cpus; cpu++) {
    for (let c = v.remoteHead[cpu], n = 0; c >= 0 && n <= touchedChunks; c = v.remote[c], n++) {
      queued++;
      if (kind(c) !== H_PENDING) err(`remote list of cpu ${cpu}: chunk ${c} is not pending`);
      if (nodeBounds(c).owner !== cpu)
        err(`remote list of cpu ${cpu}: chunk ${c} belongs to cpu ${nodeBounds(c).owner}`);
    }
  }
  if (queued !== pendingBlocks) err(`${pendingBlocks} pending blocks but ${queued} on remote-free lists`);

  // 6: which touched chunks may hold links (listed run starts) and remote links (queued blocks).
  const listedAt = new Uint8Array(touchedChunks);
  for (let k = 0; k < a.cpus * lists; k++)
    for (let c = v.listHead[k], n = 0; c >= 0 && n <= touchedChunks; n++) {
      const j = coverAt(c);
      if (j >= 0) listedAt[j] = 1;
      c = c === v.listTail[k] ? -1 : v.links[c & ~1];
    }
  const queuedAt = new Uint8Array(touchedChunks);
  for (let cpu = 0; cpu < a.cpus; cpu++)
    for (let c = v.remoteHead[cpu], n = 0; c >= 0 && n <= touchedChunks; c = v.remote[c], n++) {
      const j = coverAt(c);
      if (j >= 0) queuedAt[j] = 1;
    }
  const listed = (c: number) => {
    const j = coverAt(c);
    return j >= 0 && listedAt[j] === 1;
  };
  touched((c) => {
    if (v.links[c] !== 0 && !listed(c & ~1) && !listed(c | 1))
      err(`chunk ${c}: stale link ${v.links[c]} (neither chunk of its pair starts a listed run)`);
    if (v.remote[c] !== 0 && queuedAt[coverAt(c)] !== 1) err(`chunk ${c}: stale remote link ${v.remote[c]}`);
  });

  const k = a.counters();
  if (k.requestedBytes !== req) err(`counter requestedBytes ${k.requestedBytes} != recount ${req}`);
  if (k.allocatedBytes !== alloc) err(`counter allocatedBytes ${k.allocatedBytes} != recount ${alloc}`);
  if (k.pendingBytes !== pendingBytes) err(`counter pendingBytes ${k.pendingBytes} != recount ${pendingBytes}`);
  if (k.postponedBytes !== postponed) err(`counter postponedBytes ${k.postponedBytes} != recount ${postponed}`);
  if (k.heldBytes !== heldPages * p.pageBytes) err(`counter heldBytes ${k.heldBytes} != ${heldPages} pages`);
  return errs;
}
