/**
 * NTA's per-CPU free lists: FIFO lists of free runs by exact length (list i holds runs of i+1
 * chunks); a run's container (its links) lives in the run itself, so unlinking a neighbour on
 * free is O(1). Links are kept only where they mean something: a list's head has no `prev` and
 * its tail no `next` (listHead and listTail say where a list starts and ends), so taking the
 * head, the common case, reads and writes no neighbour's links beyond the new head's `next`.
 * The callers stamp c's own node (alloc, freeLocal, writeNode); these stamp the list
 * neighbours, which lie in other nodes. Layout of `links`: see layout.ts.
 */
import type { NtaAllocator } from './nta';

/** list_add_tail: run c (of idx + 1 chunks) joins the end of `cpu`'s list idx. */
export function insertTail(a: NtaAllocator, cpu: number, idx: number, c: number): void {
  const { v } = a;
  const k = cpu * a.lists + idx;
  const t = v.listTail[k];
  if (t >= 0) {
    v.links[c | 1] = t; // prev of c
    v.links[t & ~1] = c; // next of t
    a.mark(t);
  } else v.listHead[k] = c;
  v.listTail[k] = c;
  if (v.listCount[k]++ === 0) v.nonEmpty[cpu * a.listStride + (idx >>> 5)] |= 1 << (idx & 31);
}

/** list_del: run c leaves `cpu`'s list idx, wherever it is on it. */
export function unlink(a: NtaAllocator, cpu: number, idx: number, c: number): void {
  const { v } = a;
  const k = cpu * a.lists + idx;
  const head = v.listHead[k] === c,
    tail = v.listTail[k] === c;
  const n = tail ? -1 : v.links[c & ~1],
    pr = head ? -1 : v.links[c | 1];
  if (head) v.listHead[k] = n;
  else if (!tail) {
    v.links[pr & ~1] = n;
    a.mark(pr);
  }
  if (tail) v.listTail[k] = pr;
  else if (!head) {
    v.links[n | 1] = pr;
    a.mark(n);
  }
  if (--v.listCount[k] === 0) v.nonEmpty[cpu * a.listStride + (idx >>> 5)] &= ~(1 << (idx & 31));
  // c's pair is its own (c's run is free, so c ^ 1 starts no other run): clear it, so that the
  // links of runs long gone do not fill the state with noise (a checkpoint codes zeros in runs).
  v.links[c & ~1] = 0;
  v.links[c | 1] = 0;
}
