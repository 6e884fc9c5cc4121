import { specName } from '../../engine/allocators/registry';
import { type Setup, workloadLabel } from '../url-state';
import { slug } from './download';

/** File name stem naming the workload and the allocators compared. */
export function pngBase(setup: Setup): string {
  return `fragscope_${slug(workloadLabel(setup))}_${setup.allocators.map((a) => slug(specName(a))).join('-vs-')}`;
}
