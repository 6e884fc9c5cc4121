/**
 * The UI's private copy of the published snapshot, refreshed at most once per
 * animation frame (priority 0, before the maps draw). Maps and hover read this
 * copy; nothing here goes through React state or a worker message.
 */
import type { RunInfo } from '../../engine/runtime/api';
import {
  createSnapshotCopy,
  generationOf,
  readSnapshot,
  snapshotViews,
  type SnapshotCopy,
  type SnapshotRegion,
} from '../../engine/runtime/snapshot';
import { onFrame } from './frame-loop';

export interface LiveSnapshot {
  region: SnapshotRegion;
  copy: SnapshotCopy;
  /** Generation of the last successful copy (-1 before the first). */
  copied: number;
}

let live: LiveSnapshot | null = null;
let stop: (() => void) | null = null;

/** Attach to a run's snapshot region (replacing any previous run's). */
export function attachSnapshot(info: RunInfo | null): void {
  stop?.();
  stop = null;
  live = null;
  if (!info) return;
  const region = snapshotViews(info.snapshot, info.allocators);
  live = { region, copy: createSnapshotCopy(info.allocators), copied: -1 };
  const l = live;
  stop = onFrame(() => {
    if (generationOf(l.region) !== l.copied && readSnapshot(l.region, l.copy)) l.copied = l.copy.generation;
  }, 0);
}

export function liveSnapshot(): LiveSnapshot | null {
  return live;
}
