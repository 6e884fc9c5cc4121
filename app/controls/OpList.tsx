/** The last ops with their CPU, size, address and result per allocator; failures say why. */
import { useShallow } from 'zustand/react/shallow';
import type { Failure } from '../../engine/core/records';
import { SEED_2006_FAILURES } from '../../engine/workloads/generators';
import { gotoFailure } from '../runtime/explain';
import { useStore } from '../store/store';
import type { Setup } from '../url-state';
import { outcomeCell } from './op-outcome';

export function OpList() {
  const { ops, lanes, info } = useStore(
    useShallow((s) => ({ ops: s.summary?.lastOps, lanes: s.summary?.allocators, info: s.info })),
  );
  const labels = info?.allocators.map((a) => a.label);
  const rows = (ops ?? []).slice(-14).reverse();
  return (
    <section className="card oplist">
      <h3>Last ops</h3>
      <table>
        <thead>
          <tr>
            <th>op</th>
            <th>cpu</th>
            <th>op</th>
            <th>bytes</th>
            {(labels ?? []).map((l, i) => (
              <th key={l + i}>{l}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.index}>
              <td className="mono">{r.index}</td>
              <td className="mono">{r.cpu}</td>
              <td title={`allocation #${r.id}`}>{r.kind}</td>
              <td className="mono">{r.bytes}</td>
              {(labels ?? []).map((l, i) => {
                const o = outcomeCell(r, i, lanes?.[i]?.op);
                return (
                  <td
                    key={l + i}
                    className={`mono ${o.kind}${o.kind === 'fail' ? ' clickable' : ''}`}
                    title={o.kind === 'fail' ? `${o.why ?? ''} (click: why did this fail)` : o.why}
                    data-testid={`outcome-${r.index}-${i}`}
                    onClick={o.kind === 'fail' ? () => void gotoFailure(r.index) : undefined}
                  >
                    {o.text}
                    {o.kind === 'fail' && o.why ? <div className="why">{o.why}</div> : null}
                  </td>
                );
              })}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={4 + (labels?.length ?? 0)} className="muted">
                No ops yet: press Step or Play.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

/** Where the seed's published failure sizes apply: its fragmentation test on the blog NTA model. */
export function showsSeedFigures(setup: Setup | null, lane: number): boolean {
  const spec = setup?.allocators[lane];
  return setup?.workload === 'seed-fragmentation' && spec?.kind === 'nta' && spec.preset === 'blog';
}

/** "seed (6 Aug 2006): 1912, 968, 504, 252 B at MAX 4096, 2048, 1024, 512" */
export const SEED_FIGURES_TEXT = `seed (6 Aug 2006): ${SEED_2006_FAILURES.map((f) => f.bytes).join(', ')} B at MAX ${SEED_2006_FAILURES.map((f) => f.max).join(', ')}`;
export const SEED_FIGURES_NOTE =
  'The seed did not say how it drew sizes: with uniform sizes 1..MAX the model fails at about twice these (see README); nothing here is tuned to match.';

function failureList(failures: readonly Failure[]): string {
  const shown = failures.slice(0, 8);
  const more = failures.length > shown.length ? ', …' : '';
  const maxes = shown.every((f) => f.max !== undefined) ? ` at MAX ${shown.map((f) => f.max).join(', ')}${more}` : '';
  return `model: ${shown.map((f) => f.bytes).join(', ')}${more} B${maxes}`;
}

/** The most recent failure of each allocator (the seed reports the failed size), and the seed's own figures where they apply. */
export function Failures() {
  const { allocs, runSetup } = useStore(useShallow((s) => ({ allocs: s.summary?.allocators, runSetup: s.runSetup })));
  if (!allocs) return null;
  const seedLanes = allocs.map((_, i) => showsSeedFigures(runSetup, i));
  if (allocs.every((a) => a.failureCount === 0) && !seedLanes.some(Boolean)) return null;
  return (
    <section className="card failures" data-testid="failures">
      {allocs.map((a, i) => {
        const f = a.failures[a.failures.length - 1];
        return (
          <div key={a.label + i}>
            <b>{a.label}</b>: {a.failureCount.toLocaleString('en')} failed allocation{a.failureCount === 1 ? '' : 's'}
            {f && (
              <span data-testid="last-failure">
                {' '}
                · last at op{' '}
                <button type="button" className="link" onClick={() => void gotoFailure(f.op)} title="why did this fail">
                  {f.op}
                </button>{' '}
                on CPU {f.cpu}: <b className="fail">{f.bytes} bytes</b> ({f.reason}
                {f.max !== undefined ? `, MAX ${f.max}` : ''})
              </span>
            )}
            {seedLanes[i] && (
              <div className="seed-figures" data-testid="seed-figures">
                {a.failures.length > 0 && <span className="mono">{failureList(a.failures)}</span>}
                {a.failures.length > 0 && ' · '}
                <span className="mono">{SEED_FIGURES_TEXT}</span>
                <p className="definition">{SEED_FIGURES_NOTE}</p>
              </div>
            )}
          </div>
        );
      })}
    </section>
  );
}
