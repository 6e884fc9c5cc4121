/**
 * The UI store (zustand): setup, a throttled run summary, view options.
 * High-frequency data (chunk states, metric history) never goes through here:
 * map workers read the allocators' shared memory per frame, charts read MetricHistory.
 */
import { create } from 'zustand';
import type { ImportedTrace } from '../../engine/import/worker-protocol';
import type { RunInfo, Summary } from '../../engine/runtime/api';
import type { PixelMode } from '../render/lod';
import type { OverlayLayer } from '../render/overlay';
import { DEFAULT_SETUP, type Setup } from '../url-state';

export type RunStatus = 'idle' | 'configuring' | 'ready' | 'busy' | 'error';

/**
 * A trace imported in this page (a bundled sample or a file): its op buffer in shared memory,
 * call sites and import summary; the text is not kept.
 */
export interface LoadedTrace {
  /** Setup.trace: a sample path or `local:NAME`. */
  key: string;
  fileName: string;
  /** The format it was read in (TRACE_FORMATS name): recognised, or chosen at import. */
  format: string;
  ops: number;
  trace: ImportedTrace;
}

export interface SetupSlice {
  setup: Setup;
  /** Traces loaded so far, by key (their op buffers are held here, not in the setup or the URL). */
  traces: Readonly<Record<string, LoadedTrace>>;
  putTrace: (t: LoadedTrace) => void;
  /** Problems found in the shared link (shown once, dismissable). */
  urlErrors: string[];
  setSetup: (s: Setup) => void;
  setUrlErrors: (e: string[]) => void;
}

export interface RunSlice {
  status: RunStatus;
  info: RunInfo | null;
  /** The setup the running controller was configured with. */
  runSetup: Setup | null;
  summary: Summary | null;
  error: string | null;
  setRun: (p: Partial<Pick<RunSlice, 'status' | 'info' | 'runSetup' | 'summary' | 'error'>>) => void;
}

export interface ViewSlice {
  highFirst: boolean;
  sorted: boolean;
  /** What a map pixel standing for many chunks shows: their blend by share, or the worst state. */
  pixelMode: PixelMode;
  /** Ops per second while playing; Infinity = as fast as possible. */
  speed: number;
  /** Request size (bytes) of the fragmentation-index chart. */
  request: number;
  setView: (p: Partial<Pick<ViewSlice, 'highFirst' | 'sorted' | 'pixelMode' | 'speed' | 'request'>>) => void;
}

/** A run within the limits but large (run-limits.ts confirmReasons), waiting for the user's answer. */
export interface PendingStart {
  setup: Setup;
  op: number;
  /** Why it is asked about: one sentence per reason, with the figures. */
  reasons: string[];
}

export interface ConfirmSlice {
  confirm: PendingStart | null;
  setConfirm: (c: PendingStart | null) => void;
}

/**
 * Blocks marked on the maps (render/overlay.ts), by who marks them (e.g. 'site' for the
 * selected call site, 'failure' for the failure explained): per source, one list of layers
 * per allocator (lane index). A map draws every source's layers for its lane, in source order.
 */
export interface OverlaySlice {
  overlays: Readonly<Record<string, readonly (readonly OverlayLayer[])[]>>;
  /** Replace one source's layers (null: the source marks nothing any more). */
  setOverlays: (source: string, perLane: readonly (readonly OverlayLayer[])[] | null) => void;
}

export type Store = SetupSlice & RunSlice & ViewSlice & ConfirmSlice & OverlaySlice;

export const useStore = create<Store>()((set) => ({
  setup: DEFAULT_SETUP,
  traces: {},
  putTrace: (t) => set((s) => ({ traces: { ...s.traces, [t.key]: t } })),
  urlErrors: [],
  setSetup: (setup) => set({ setup }),
  setUrlErrors: (urlErrors) => set({ urlErrors }),

  status: 'idle',
  info: null,
  runSetup: null,
  summary: null,
  error: null,
  setRun: (p) => set(p),

  highFirst: false,
  sorted: false,
  pixelMode: 'share',
  speed: 2000,
  request: 1500,
  setView: (p) => set(p),

  confirm: null,
  setConfirm: (confirm) => set({ confirm }),

  overlays: {},
  setOverlays: (source, perLane) =>
    set((s) => {
      const next = { ...s.overlays };
      if (perLane) next[source] = perLane;
      else delete next[source];
      return { overlays: next };
    }),
}));
