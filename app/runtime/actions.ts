/**
 * User actions -> control API calls -> store updates. Nothing here blocks the
 * main thread: calls are awaited asynchronously and the map never waits on them.
 *
 * Summaries arrive from the controller's subscription (about one per 16 ms while
 * a run changes). Each goes into the metric history at once; the React store
 * gets at most one every SUMMARY_THROTTLE_MS while playing.
 */
import type { RunConfig, RunTarget, Summary } from '../../engine/runtime/api';
import { confirmReasons } from '../run-limits';
import { useStore } from '../store/store';
import { encodeUrl, TRACE_WORKLOAD, type Setup } from '../url-state';
import { control, killWorker, setClientHandlers, withTimeout, type Remote } from './client';
import { MetricHistory } from './history';
import { importedTrace } from './traces';

export const SUMMARY_THROTTLE_MS = 200;
export const history = new MetricHistory();

let lastStoreUpdate = 0;
let pending: Summary | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
/** Bumps per configure so late summaries of an old run are ignored. */
let runId = 0;
/**
 * Generation of the newest summary taken. Subscription callbacks travel on their own
 * MessageChannel, so one can arrive after a newer call result: older ones are dropped.
 * Ignored while a reset is pending (generations restart with the new published header).
 */
let lastGeneration = 0;
let resetting = false;
/** The summary last taken (history and store), to know a second copy of it. */
let shown: Summary | null = null;

/**
 * The same state as `b`: a call's result and the subscription's summary sent just before it
 * (the controller publishes, notifies, then answers) are built from one generation of a stopped
 * run. Taking both made the page render everything twice right after a step or a seek, while the
 * maps' frames were on their way (a seek's latency is until the page hears them).
 */
function sameState(a: Summary, b: Summary | null): boolean {
  return (
    b !== null &&
    a.generation === b.generation &&
    a.op === b.op &&
    a.done === b.done &&
    !a.playing &&
    !b.playing &&
    !a.error &&
    !b.error
  );
}

function acceptSummary(s: Summary): void {
  const st = useStore.getState();
  if (st.status === 'configuring' || st.info === null) return;
  if (s.allocators.length !== st.info.allocators.length) return;
  if (resetting || s.generation < lastGeneration || sameState(s, shown)) return;
  lastGeneration = s.generation;
  shown = s;
  history.push(s);
  if (s.error) {
    setError(s.error);
    return;
  }
  pending = s;
  const now = performance.now();
  const due = lastStoreUpdate + SUMMARY_THROTTLE_MS;
  if (!s.playing || now >= due) flush();
  else if (timer === null) timer = setTimeout(flush, due - now);
}

/** A call result: authoritative, newer than any summary sent before it. */
function take(s: Summary): void {
  const again = !resetting && sameState(s, shown);
  resetting = false;
  lastGeneration = s.generation;
  if (again) return;
  shown = s;
  history.push(s);
  pending = s;
  flush();
}

function flush(): void {
  if (timer !== null) {
    clearTimeout(timer);
    timer = null;
  }
  if (!pending) return;
  lastStoreUpdate = performance.now();
  const s = pending;
  pending = null;
  useStore.getState().setRun({ summary: s });
  if (!s.playing) writeUrl(s.op);
}

function setError(message: string): void {
  useStore.getState().setRun({ status: 'error', error: message });
}

setClientHandlers({ error: setError, summary: acceptSummary });

export function writeUrl(op: number): void {
  const setup = useStore.getState().runSetup;
  if (!setup) return;
  const url = encodeUrl(setup, op);
  if (location.search !== url) window.history.replaceState(null, '', url);
}

export function toRunConfig(setup: Setup, trace?: RunConfig['importedTrace']): RunConfig {
  const cfg: RunConfig = {
    workload: setup.workload,
    params: setup.params,
    allocators: setup.allocators,
    cpus: setup.cpus,
    schedule: setup.schedule,
    seed: setup.seed,
    ops: setup.ops,
  };
  if (trace) cfg.importedTrace = trace;
  return cfg;
}

/**
 * A control call; `ms` bounds how long it may take (Infinity: a Play lasts as long as the run
 * plays; a dead worker still ends it through the client's error events).
 */
async function act(what: string, f: (r: Remote) => Promise<Summary | void>, ms = 15000): Promise<void> {
  const st = useStore.getState();
  if (st.status === 'error' || st.status === 'configuring') return;
  const id = runId;
  try {
    const r = await control();
    const s = await (Number.isFinite(ms) ? withTimeout(f(r), ms, what) : f(r));
    if (s && id === runId) {
      take(s);
      if (s.error) setError(s.error);
    }
  } catch (e) {
    if (id === runId) setError((e as Error).message);
  }
}

/** Configure a run for `setup` and go to op `op`. */
export async function start(setup: Setup, op = 0): Promise<void> {
  const id = ++runId;
  pending = null;
  shown = null;
  resetting = true;
  useStore.getState().setRun({ status: 'configuring', error: null, summary: null, info: null, runSetup: setup });
  try {
    // A trace's op buffer (a sample is imported the first time) is shared with the workers.
    const trace = await importedTrace(setup);
    if (id !== runId) return;
    const r = await control();
    const info = await withTimeout(r.configure(toRunConfig(setup, trace)), 30000, 'configure');
    if (id !== runId) return;
    history.reset(info.allocators.map((a) => a.label));
    useStore.getState().setRun({ status: 'ready', info });
    let s: Summary;
    if (op > 0) {
      s = await withTimeout(setup.schedule === 'lockstep' ? r.seek(op) : r.runUntil({ kind: 'op', op }), 60000, 'seek');
    } else s = await withTimeout(r.summary(), 10000, 'summary');
    if (id !== runId) return;
    take(s);
    if (s.error) setError(s.error);
  } catch (e) {
    if (id === runId) setError((e as Error).message);
  }
}

/**
 * Start `setup` at op `op`, or, when the run is large but allowed (run-limits.ts), put the
 * question in the store and start nothing: ConfirmRun asks, answerConfirm acts.
 */
export function startOrAsk(setup: Setup, op = 0): Promise<void> {
  const st = useStore.getState();
  const traceOps = setup.workload === TRACE_WORKLOAD && setup.trace ? st.traces[setup.trace]?.ops : undefined;
  let reasons: string[] = [];
  try {
    reasons = confirmReasons(setup, op, traceOps);
  } catch {
    // Parameters the allocator refuses: configure() reports them as the run's error.
  }
  if (reasons.length === 0) return start(setup, op);
  st.setConfirm({ setup, op, reasons });
  return Promise.resolve();
}

/** The user's answer: start the run asked about, or leave everything as it was. */
export function answerConfirm(go: boolean): Promise<void> {
  const st = useStore.getState();
  const pending = st.confirm;
  st.setConfirm(null);
  return go && pending ? start(pending.setup, pending.op) : Promise.resolve();
}

export const step = (n: number) => act(`step ${n}`, (r) => r.step(n));
export const runUntil = (t: RunTarget) => act('run', (r) => r.runUntil(t), 120000);
export const pause = () => act('pause', (r) => r.pause());
export const seek = (op: number) => act(`seek ${op}`, (r) => r.seek(op), 60000);
export function play(): Promise<void> {
  const speed = useStore.getState().speed;
  return act(
    'play',
    async (r) => {
      await r.play(speed);
    },
    Infinity,
  );
}

/**
 * Reset the run to op 0 by configuring it again: a new configuration has new allocator buffers,
 * which the maps attach to from the RunInfo (ControlApi.reset answers only a summary, and maps
 * left on the old buffers would keep showing the old run). After a worker error, restart the
 * worker first.
 */
export async function reset(): Promise<void> {
  const st = useStore.getState();
  const setup = st.runSetup ?? st.setup;
  if (st.status === 'error') killWorker();
  await start(setup, 0);
}
