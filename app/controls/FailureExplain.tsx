/** Why the failure at the cursor happened: per allocator that failed there, its paragraph and the overlay's legend. */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { clearExplained, useExplained } from '../runtime/explain';
import { useStore } from '../store/store';
import { explanationLayers, legendOf } from './explain-layers';

export function FailureExplain() {
  const explained = useExplained((s) => s.explained);
  const { op, info } = useStore(useShallow((s) => ({ op: s.summary?.op, info: s.info })));
  const labels = info?.allocators.map((a) => a.label);
  // The explanation belongs to the cursor right after its op: anywhere else it is gone.
  const here = explained !== null && op === explained.op + 1;
  useEffect(() => {
    if (explained && !here) clearExplained();
  }, [explained, here]);
  useEffect(() => {
    const set = useStore.getState().setOverlays;
    set('failure', here && explained ? explained.lanes.map((e) => (e ? explanationLayers(e) : [])) : null);
  }, [explained, here]);
  useEffect(() => () => useStore.getState().setOverlays('failure', null), []);
  if (!here || !explained) return null;
  return (
    <section className="card failure-explain" data-testid="failure-explain" aria-live="polite">
      <h3>
        Why op {explained.op} failed <span className="muted">(f: next failure, Shift+f: previous)</span>
      </h3>
      {explained.lanes.map((e, i) =>
        e ? (
          <div key={i} className="explain-lane">
            <p data-testid={`explain-${i}`}>{e.paragraph}</p>
            <ul className="legend">
              {legendOf(e).map((r) => (
                <li key={r.name} data-testid={`explain-${i}-${r.name}`}>
                  <span className="swatch" style={{ background: r.css }} /> {r.text}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p key={i} className="muted" data-testid={`explain-${i}`}>
            {labels?.[i] ?? `allocator ${i}`}: did not fail at this op.
          </p>
        ),
      )}
    </section>
  );
}
