/**
 * Limits every allocator, the runtime and the CLI share (one home for each).
 */

/** Simulated CPUs at most: per-CPU arrays are sized by the CPU count, so 64 keeps them small. */
export const MAX_CPUS = 64;

/**
 * Pages in one pool at most: 4,194,304 pages of 4 KiB = 16 GiB. The largest per-chunk field
 * (4 bytes per chunk, 128 chunks per page) is then 2 GiB, the most one buffer may hold
 * (see layout.ts).
 */
export const MAX_PAGES = 4_194_304;
