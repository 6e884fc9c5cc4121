/**
 * A spinlock on one Int32 slot of shared memory (0 = free, 1 = held).
 *
 * The kernel guarded state shared between CPUs (NTA's per-owner remote-free
 * list, SLAB's shared arrays) with spinlocks; so does the model. Critical
 * sections are a few array writes, so spinning beats Atomics.wait here, and
 * Atomics.wait is not allowed on a browser's main thread anyway.
 * Works on a plain (non-shared) Int32Array too, for single-threaded runs.
 */
export function lock(slots: Int32Array, index: number): void {
  while (Atomics.compareExchange(slots, index, 0, 1) !== 0) {
    // spin: the holder is another worker in a short critical section
  }
}

export function unlock(slots: Int32Array, index: number): void {
  Atomics.store(slots, index, 0);
}

/** How `pages` pages are split between `cpus` CPUs: contiguous blocks, the first CPUs get one more. */
export function pagesOfCpu(pages: number, cpus: number, cpu: number): { first: number; count: number } {
  const base = Math.floor(pages / cpus);
  const extra = pages % cpus;
  const count = base + (cpu < extra ? 1 : 0);
  const first = cpu * base + Math.min(cpu, extra);
  return { first, count };
}
