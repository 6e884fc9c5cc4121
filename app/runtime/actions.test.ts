/**
 * Actions against a fake control worker (the client module mocked; its timeout helper is the
 * real one): a Play that runs longer than a call's timeout is not an error.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Summary } from '../../engine/runtime/api';

const remote = { play: vi.fn<(speed: number) => Promise<void>>(), step: vi.fn<(n: number) => Promise<Summary>>() };
vi.mock('./client', async (importActual) => {
  const actual = await importActual<typeof import('./client')>();
  return { ...actual, control: () => Promise.resolve(remote), setClientHandlers: () => undefined };
});

const { play, step } = await import('./actions');
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
});
