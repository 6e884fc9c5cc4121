/**
 * Mel Gorman's two indices per page order, from a zone's free blocks per order
 * (/proc/buddyinfo), exactly as mm/vmstat.c computes them (fill_contig_page_info,
 * unusable_free_index and __fragmentation_index, Linux 2.6.35 onwards; allocators.md section 3):
 * integers in thousandths, divisions truncated, as /sys/kernel/debug/extfrag/unusable_index
 * and extfrag_index print them.
 *   free_pages = sum n_o 2^o;  free_blocks_total = sum n_o;
 *   free_blocks_suitable = sum over o >= k of n_o 2^(o - k)  (request-sized units);
 *   unusable(k) = (free_pages - (suitable << k)) * 1000 / free_pages, 1000 when nothing is free;
 *   fragmentation(k) = -1000 when a suitable block exists, 0 when there are no free blocks,
 *   else 1000 - (1000 + free_pages * 1000 / 2^k) / free_blocks_total.
 */

export interface OrderIndices {
  /** Thousandths, per order 0 .. counts.length - 1. */
  unusable: number[];
  fragmentation: number[];
}

export function orderIndices(counts: ArrayLike<number>): OrderIndices {
  const orders = counts.length;
  let freePages = 0,
    blocks = 0;
  for (let o = 0; o < orders; o++) {
    freePages += counts[o] * 2 ** o;
    blocks += counts[o];
  }
  const unusable: number[] = [],
    fragmentation: number[] = [];
  for (let k = 0; k < orders; k++) {
    let suitable = 0;
    for (let o = k; o < orders; o++) suitable += counts[o] * 2 ** (o - k);
    unusable.push(freePages === 0 ? 1000 : Math.floor(((freePages - suitable * 2 ** k) * 1000) / freePages));
    const requested = 2 ** k;
    fragmentation.push(
      blocks === 0
        ? 0
        : suitable > 0
          ? -1000
          : 1000 - Math.floor((1000 + Math.floor((freePages * 1000) / requested)) / blocks),
    );
  }
  return { unusable, fragmentation };
}

/** A thousandths index as the kernel prints it ("%d.%03d"): 0.250, -1.000. */
export function fmtThousandths(v: number): string {
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  return `${sign}${Math.floor(a / 1000)}.${String(a % 1000).padStart(3, '0')}`;
}

/** One line of /proc/buddyinfo for the model's one zone ("Node %d, zone %8s " then "%6lu " per order). */
export function buddyinfoLine(counts: ArrayLike<number>): string {
  let s = 'Node 0, zone   Normal ';
  for (let o = 0; o < counts.length; o++) s += `${String(counts[o]).padStart(6)} `;
  return s;
}

/** One line of extfrag/unusable_index or extfrag_index ("%d.%03d " per order after the zone). */
export function indexLine(values: readonly number[]): string {
  return 'Node 0, zone   Normal ' + values.map((v) => fmtThousandths(v).padStart(6) + ' ').join('');
}
