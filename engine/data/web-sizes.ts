/**
 * Web response sizes for the web-server workload: the SPECweb96 file mix.
 *
 * Figures from SPEC's page "The Workload for the SPECweb96 Benchmark"
 * (http://www.spec.org/osg/web96/workload.html; see ./web-sizes.SOURCE.txt): four classes
 * of files taking 35%, 50%, 14% and 1% of requests, nine sizes in each class (class 0:
 * 102, 204, ..., 922 bytes; class 1: 1024 ... 9216; class 2: 10240 ... 92160; class 3:
 * 102400 ... 921600). The page adds that accesses within a class are not evenly
 * distributed; we spread each class's share evenly over its nine sizes (our simplification).
 */

export interface WebSizeClass {
  /** Share of requests. */
  readonly share: number;
  /** The nine file sizes of the class, bytes. */
  readonly sizes: readonly number[];
}

/**
 * Class k's sizes: i * 1024 * 10^k / 10 bytes for i = 1..9, truncated. The page's table prints
 * the first, second and last of each class (102, 204 ... 922 for class 0); truncation matches all
 * printed values but 922, which it makes 921.
 */
function classSizes(k: number): number[] {
  return Array.from({ length: 9 }, (_, i) => Math.floor(((i + 1) * 1024 * 10 ** k) / 10));
}

export const SPECWEB96_CLASSES: readonly WebSizeClass[] = [
  { share: 0.35, sizes: classSizes(0) },
  { share: 0.5, sizes: classSizes(1) },
  { share: 0.14, sizes: classSizes(2) },
  { share: 0.01, sizes: classSizes(3) },
];

export const SPECWEB96_SOURCE = 'http://www.spec.org/osg/web96/workload.html';

/** Map one uniform draw u in [0, 1) to a SPECweb96 file size. */
export function sampleWebSize(u: number): number {
  let acc = 0;
  for (const c of SPECWEB96_CLASSES) {
    if (u < acc + c.share) {
      const k = Math.min(c.sizes.length - 1, Math.floor(((u - acc) / c.share) * c.sizes.length));
      return c.sizes[k];
    }
    acc += c.share;
  }
  const last = SPECWEB96_CLASSES[SPECWEB96_CLASSES.length - 1];
  return last.sizes[last.sizes.length - 1];
}
