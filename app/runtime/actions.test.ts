/**
 * Actions against a fake control worker (the client module mocked; its timeout helper is the
 * real one): a Play that runs longer than a call's timeout is not an error.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AllocatorSummary, RunInfo, Summary } from '../../engine/runtime/api';

const remote = { play: vi.fn<(speed: number) => Promise<void>>(), step: vi.fn<(n: number) => Promise<Summary>>() };
/** The subscription's end of the client (what actions.ts registers). */
let handlers: { summary: (s: Summary) => void } | null = null;
vi.mock('./client', async (importActual) => {
  const actual = await importActual<typeof import('./client')>();
  return {
    ...actual,
    control: () => Promise.resolve(remote),
    setClientHandlers: (h: { summary: (s: Summary) => void }) => (handlers = h),
  };
});

const { history, play, step } = await import('./actions');
const { useStore } = await import('../store/store');

afterEach(() => {
  vi.useRealTimers();
});

describe('actions', () => {
  it('Play runs as long as the run plays: a minute is not a timeout', async () => {
    vi.useFakeTimers();
    useStore.setState({ status: 'ready', error: null });
    let finish = () => {};
    remote.play.mockImplementation(() => new Promise<void>((r) => (finish = r)));
    const done = play();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(useStore.getState().status).toBe('ready');
    finish();
    await done;
    expect(useStore.getState()).toMatchObject({ status: 'ready', error: null });
  });

  it('a call that never answers still becomes an error naming it', async () => {
    vi.useFakeTimers();
    useStore.setState({ status: 'ready', error: null });
    remote.step.mockImplementation(() => new Promise<Summary>(() => {}));
    const done = step(1);
    await vi.advanceTimersByTimeAsync(16_000);
    await done;
    expect(useStore.getState().status).toBe('error');
    expect(useStore.getState().error).toContain("did not answer 'step 1'");
  });

  it("a call's result that the subscription already brought is taken once (the page renders it once)", async () => {
    const info = { allocators: [{ label: 'a' }] } as unknown as RunInfo;
    useStore.setState({ status: 'ready', error: null, info, summary: null });
    history.reset(['a']);
    const summary = (generation: number, op: number): Summary => ({
      generation,
      op,
      done: false,
      playing: false,
      allocators: [{ op, metrics: {}, histogram: [], failures: [] } as unknown as AllocatorSummary],
      lastOps: [],
      checkpoints: { used: 0, budget: 0, count: 0, interval: 0 },
    });
    let updates = 0;
    const stop = useStore.subscribe((st, before) => {
      if (st.summary !== before.summary) updates++;
    });
    // The controller publishes generation 7, notifies its subscribers, then answers the call.
    remote.step.mockImplementation(() => {
      handlers?.summary(summary(7, 100));
      return Promise.resolve(summary(7, 100));
    });
    const v0 = history.version;
    await step(100);
    expect(updates).toBe(1);
    expect(history.version).toBe(v0 + 1);
    expect(useStore.getState().summary?.op).toBe(100);
    // A new generation is taken, from either side.
    remote.step.mockImplementation(() => Promise.resolve(summary(8, 200)));
    await step(100);
    expect(updates).toBe(2);
    expect(useStore.getState().summary?.op).toBe(200);
    stop();
  });
});
