/** Run controls, the speed control, the op scrubber and the keyboard shortcuts. */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { pause, play, reset, runUntil, seek, step } from '../runtime/actions';
import { nextFailure, previousFailure } from '../runtime/explain';
import { ReportButton } from './ReportButton';
import { useStore } from '../store/store';

const SPEEDS = [10, 100, 1000, 10000, 100000, Infinity];
const speedLabel = (s: number) => (s === Infinity ? 'max' : `${s.toLocaleString('en')}/s`);

export function Controls() {
  const { status, op, playing, done, speed, schedule, setView } = useStore(
    useShallow((s) => ({
      status: s.status,
      op: s.summary?.op ?? 0,
      playing: s.summary?.playing ?? false,
      done: s.summary?.done ?? false,
      speed: s.speed,
      schedule: s.runSetup?.schedule,
      setView: s.setView,
    })),
  );
  const ready = status === 'ready';
  const furthest = useRef(0);
  furthest.current = Math.max(furthest.current, op);
  useEffect(() => {
    if (status === 'configuring') furthest.current = 0;
  }, [status]);
  const [scrub, setScrub] = useState<number | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      const st = useStore.getState();
      if (st.status !== 'ready') return;
      if (e.key === 'ArrowRight') {
        e.preventDefault();
        void step(1);
      } else if ((e.key === 'f' || e.key === 'F') && !e.ctrlKey && !e.metaKey && !e.altKey) {
        // f: the next failure after the cursor, explained; Shift+f: the previous one.
        e.preventDefault();
        void (e.shiftKey ? previousFailure() : nextFailure());
      } else if (e.key === ' ') {
        e.preventDefault();
        if (st.summary?.playing) void pause();
        else void play();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const max = Math.max(furthest.current, op, 1);
  const commit = (v: number) => {
    setScrub(null);
    if (v !== op) void seek(v);
  };
  const speedIndex = SPEEDS.indexOf(speed);
  return (
    <section className="controls card" aria-label="run controls">
      <div className="buttons">
        <button type="button" onClick={() => void step(1)} disabled={!ready || playing || done} title="Right arrow">
          Step
        </button>
        <button type="button" onClick={() => void step(100)} disabled={!ready || playing || done}>
          Step 100
        </button>
        <button
          type="button"
          onClick={() => void runUntil({ kind: 'failure' })}
          disabled={!ready || playing || done || schedule !== 'lockstep'}
          title={schedule !== 'lockstep' ? 'needs the lockstep schedule' : undefined}
        >
          Run to next failure
        </button>
        <button type="button" onClick={() => void play()} disabled={!ready || playing || done} title="Space">
          Play
        </button>
        <button type="button" onClick={() => void pause()} disabled={!ready || !playing} title="Space">
          Pause
        </button>
        <button type="button" onClick={() => void reset()} disabled={status === 'configuring' || status === 'idle'}>
          Reset
        </button>
        <ReportButton />
        <label className="speed">
          Speed
          <input
            type="range"
            min={0}
            max={SPEEDS.length - 1}
            step={1}
            aria-label="speed"
            value={speedIndex < 0 ? 2 : speedIndex}
            onChange={(e) => {
              const s = SPEEDS[Number(e.target.value)];
              setView({ speed: s });
              if (playing) void play();
            }}
          />
          <span className="mono">{speedLabel(speed)}</span>
        </label>
      </div>
      <div className="scrubber">
        <span className="mono" data-testid="op-cursor">
          op {(scrub ?? op).toLocaleString('en')}
        </span>
        <input
          type="range"
          min={0}
          max={max}
          step={1}
          value={scrub ?? op}
          aria-label="op scrubber"
          disabled={!ready || playing || schedule !== 'lockstep'}
          title={schedule !== 'lockstep' ? 'seeking needs the lockstep schedule' : 'seek through checkpoints'}
          onChange={(e) => setScrub(Number(e.target.value))}
          onPointerUp={(e) => commit(Number((e.target as HTMLInputElement).value))}
          onKeyUp={(e) => commit(Number((e.target as HTMLInputElement).value))}
        />
        <span className="mono muted">{max.toLocaleString('en')}</span>
        {done && <span className="badge">workload finished</span>}
        {playing && <span className="badge live">playing</span>}
      </div>
    </section>
  );
}
