/**
 * Full consistency check of an NTA instance (slow; tests run it after every op).
 *
 * 1. Pages: a taken page belongs to a node of its owner; an untaken page is all Unheld.
 * 2. Lists: every container is a maximal run of free bits in one node of its CPU, of
 *    exactly the list's length; links, tails, counts and the nonEmpty bits agree.
 * 3. Every free bit is covered by exactly one listed run; every used bit by exactly
 *    one live, mapped, pending or postponed block (no overlap, chunks conserved).
 * 4. Remote-free lists hold exactly the pending blocks, each on its owner's list.
 * 5. Counters equal a recount.
 */
import { ChunkState } from '../../core/types';
import { META_PAGES_TAKEN, H_FREE, H_LIVE, H_MAPPED, H_PENDING, H_POSTPONED } from './layout';
import type { NtaAllocator } from './nta';

export function checkNtaInvariants(a: NtaAllocator): string[] {
  const errs: string[] = [];
  const err = (m: string) => {
    if (errs.length < 20) errs.push(m);
  };
  const { v, cpp, lists } = a;
  const C = a.params.chunkBytes;
  const chunks = v.state.length;
  const bit = (i: number) => (v.bitmap[i >>> 5] >>> (i & 31)) & 1;
  const cover = new Uint8Array(chunks);
  const taken = Atomics.load(v.meta, META_PAGES_TAKEN);

  let heldPages = 0;
  for (let pg = 0; pg < a.params.maxPages; pg++) {
    const node = v.pageNode[pg];
    if (node < 0) {
      for (let c = pg * cpp; c < (pg + 1) * cpp; c++)
        if (v.state[c] !== ChunkState.Unheld || bit(c)) {
          err(`page ${pg} not taken but chunk ${c} is not Unheld/used-bit 0`);
          break;
        }
      continue;
    }
    heldPages++;
    if (node > pg || node + v.nodePages[node] <= pg) err(`page ${pg} points to node ${node} that does not contain it`);
    if (v.pageOwner[pg] !== v.pageOwner[node] || v.pageOwner[pg] < 0)
      err(`page ${pg} owner ${v.pageOwner[pg]} differs from its node's`);
  }
  if (heldPages !== taken) err(`${heldPages} pages belong to nodes, but ${taken} were taken`);

  const nodeBounds = (c: number) => {
    const first = v.pageNode[Math.floor(c / cpp)];
    return { rs: first * cpp, re: (first + v.nodePages[first]) * cpp, owner: v.pageOwner[first] };
  };

  for (let cpu = 0; cpu < a.cpus; cpu++) {
    for (let idx = 0; idx < lists; idx++) {
      const k = cpu * lists + idx;
      let c = v.listHead[k],
        prev = -1,
        count = 0;
      while (c >= 0 && count <= chunks) {
        count++;
        if (v.prev[c] !== prev) err(`cpu ${cpu} list ${idx}: bad prev link at chunk ${c}`);
        if (v.head[c] !== H_FREE || v.len[c] !== idx + 1)
          err(
            `cpu ${cpu} list ${idx}: chunk ${c} is not a free run of ${idx + 1} (head ${v.head[c]}, len ${v.len[c]})`,
          );
        const { rs, re, owner } = nodeBounds(c);
        if (owner !== cpu) err(`cpu ${cpu} list ${idx}: run at ${c} lies on cpu ${owner}'s page`);
        if (c + idx + 1 > re) err(`run at ${c} of ${idx + 1} chunks crosses its node's end`);
        for (let i = c; i < c + idx + 1 && i < chunks; i++) {
          if (!bit(i) || v.state[i] !== ChunkState.Free) err(`run at ${c}: chunk ${i} not free in bitmap/state`);
          if (cover[i]++) err(`chunk ${i} covered twice`);
        }
        if (c > rs && bit(c - 1))
          err(`run at ${c} is not maximal: chunk ${c - 1} below is free (two adjacent free runs)`);
        if (c + idx + 1 < re && bit(c + idx + 1))
          err(`run at ${c} is not maximal: chunk ${c + idx + 1} above is free (two adjacent free runs)`);
        prev = c;
        c = v.next[c];
      }
      if (v.listTail[k] !== prev) err(`cpu ${cpu} list ${idx}: tail ${v.listTail[k]} but last is ${prev}`);
      if (v.listCount[k] !== count) err(`cpu ${cpu} list ${idx}: count ${v.listCount[k]} but ${count} runs`);
      const ne = (v.nonEmpty[cpu * a.listStride + (idx >>> 5)] >>> (idx & 31)) & 1;
      if (ne !== (count > 0 ? 1 : 0)) err(`cpu ${cpu} list ${idx}: nonEmpty bit ${ne} with ${count} runs`);
    }
  }

  let req = 0,
    alloc = 0,
    postponed = 0,
    pendingBlocks = 0,
    pendingBytes = 0;
  for (let c = 0; c < chunks; c++) {
    const h = v.head[c];
    if (h !== H_LIVE && h !== H_MAPPED && h !== H_PENDING && h !== H_POSTPONED) continue;
    const n = v.len[c];
    const { re } = nodeBounds(c);
    if (n < 1 || c + n > re) {
      err(`block at ${c} of ${n} chunks crosses its node`);
      continue;
    }
    const want =
      h === H_PENDING
        ? ChunkState.PendingRemote
        : h === H_MAPPED
          ? ChunkState.Mapped
          : h === H_POSTPONED
            ? ChunkState.Postponed
            : -1;
    for (let i = c; i < c + n; i++) {
      if (bit(i)) err(`block at ${c}: chunk ${i} has its free bit set`);
      if (cover[i]++) err(`chunk ${i} covered twice (block at ${c})`);
      const s = v.state[i];
      if (want >= 0 ? s !== want : s !== ChunkState.Used && s !== ChunkState.Waste)
        err(`block at ${c}: chunk ${i} state ${s}`);
    }
    if (h === H_LIVE || h === H_MAPPED) {
      req += v.req[c];
      alloc += n * C;
    }
    if (h === H_POSTPONED) postponed += n * C;
    if (h === H_PENDING) {
      pendingBlocks++;
      pendingBytes += n * C;
    }
  }
  for (let c = 0; c < chunks; c++) {
    if (v.pageNode[Math.floor(c / cpp)] >= 0 && cover[c] !== 1) {
      err(`chunk ${c} is covered ${cover[c]} times (chunks not conserved)`);
      break;
    }
  }

  let queued = 0;
  for (let cpu = 0; cpu < a.cpus; cpu++) {
    for (let c = v.remoteHead[cpu], n = 0; c >= 0 && n <= chunks; c = v.next[c], n++) {
      queued++;
      if (v.head[c] !== H_PENDING) err(`remote list of cpu ${cpu}: chunk ${c} is not pending`);
      if (nodeBounds(c).owner !== cpu)
        err(`remote list of cpu ${cpu}: chunk ${c} belongs to cpu ${nodeBounds(c).owner}`);
    }
  }
  if (queued !== pendingBlocks) err(`${pendingBlocks} pending blocks but ${queued} on remote-free lists`);

  const k = a.counters();
  if (k.requestedBytes !== req) err(`counter requestedBytes ${k.requestedBytes} != recount ${req}`);
  if (k.allocatedBytes !== alloc) err(`counter allocatedBytes ${k.allocatedBytes} != recount ${alloc}`);
  if (k.pendingBytes !== pendingBytes) err(`counter pendingBytes ${k.pendingBytes} != recount ${pendingBytes}`);
  if (k.postponedBytes !== postponed) err(`counter postponedBytes ${k.postponedBytes} != recount ${postponed}`);
  if (k.heldBytes !== heldPages * a.params.pageBytes) err(`counter heldBytes ${k.heldBytes} != ${heldPages} pages`);
  return errs;
}
