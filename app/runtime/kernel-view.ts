/**
 * The kernel views' reads (the slabinfo table, colour-by-cache): one control call per lane,
 * between two slices of a running loop, answered with small arrays (rows, ranges). Callers
 * poll a few times a second at most, never per frame.
 */
import type { KernelView } from '../../engine/runtime/kernel-views';
import { control, withTimeout } from './client';

export async function kernelView(lane: number, withCaches: boolean): Promise<KernelView | null> {
  const r = await control();
  return withTimeout(r.kernelView(lane, withCaches), 5000, 'kernelView');
}
