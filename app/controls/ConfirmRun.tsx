/**
 * The question before a large run starts (a page dialog, not window.confirm): what the
 * run asks for against the thresholds of run-limits.ts. Nothing runs until "Start the
 * run"; Cancel and Escape leave everything as it was.
 */
import { useEffect, useRef } from 'react';
import { answerConfirm } from '../runtime/actions';
import { useStore } from '../store/store';

export function ConfirmRun() {
  const pending = useStore((s) => s.confirm);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (pending && !d.open) d.showModal();
    else if (!pending && d.open) d.close();
  }, [pending]);
  return (
    <dialog
      ref={ref}
      className="confirm-run"
      data-testid="confirm-run"
      aria-labelledby="confirm-run-title"
      onCancel={(e) => {
        e.preventDefault();
        void answerConfirm(false);
      }}
    >
      {pending && (
        <>
          <h2 id="confirm-run-title">Start this large run?</h2>
          <ul>
            {pending.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <p className="muted">
            A tab that runs out of memory is closed by the browser without a warning. Cancel starts nothing; a smaller
            setup (fewer ops, allocators or pages) starts without this question.
          </p>
          <div className="row">
            <button type="button" autoFocus onClick={() => void answerConfirm(false)}>
              Cancel
            </button>
            <button type="button" className="primary" onClick={() => void answerConfirm(true)}>
              Start the run
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
