import type { RunArgs } from './args';
import type { AllocatorSpec } from '../allocators/registry';
import type { LaneResult } from './main';
import { UsageError } from './args';

/** Runs on worker_threads through the runtime (engine/runtime). */
export async function runWithWorkers(_a: RunArgs, _specs: AllocatorSpec[], _oplog?: string[]): Promise<LaneResult[]> {
  throw new UsageError('--threads workers: the worker runtime is not wired into the CLI yet');
}
