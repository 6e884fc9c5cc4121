/** The last ops with their CPU, size, address and result per allocator; failures say why. */
import { useShallow } from 'zustand/react/shallow';
import { errorName } from '../../engine/core/types';
import { SKIPPED } from '../../engine/core/runner';
import type { OpRecord } from '../../engine/runtime/api';
import { hex } from '../map/describe-chunk';
import { useStore } from '../store/store';

function outcomeText(r: OpRecord, i: number): { text: string; fail: boolean; why?: string } {
  const o = r.outcomes[i] ?? 0;
  if (o === SKIPPED) return { text: 'skipped', fail: false, why: 'its allocation had failed' };
  if (r.kind === 'alloc') return o >= 0 ? { text: hex(o), fail: false } : { text: `FAIL ${errorName(o)}`, fail: true, why: r.reasons[i] ?? undefined };
  return o === 0 ? { text: 'ok', fail: false } : { text: `error ${errorName(o)}`, fail: true, why: r.reasons[i] ?? undefined };
}

export function OpList() {
  const { ops, info } = useStore(useShallow((s) => ({ ops: s.summary?.lastOps, info: s.info })));
  const labels = info?.allocators.map((a) => a.label);
  const rows = (ops ?? []).slice(-14).reverse();
  return (
    <section className="card oplist">
      <h3>Last ops</h3>
      <table>
        <thead>
          <tr><th>op</th><th>cpu</th><th>op</th><th>bytes</th>{(labels ?? []).map((l, i) => <th key={l + i}>{l}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.index}>
              <td className="mono">{r.index}</td>
              <td className="mono">{r.cpu}</td>
              <td title={`allocation #${r.id}`}>{r.kind}</td>
              <td className="mono">{r.bytes}</td>
              {(labels ?? []).map((l, i) => {
                const o = outcomeText(r, i);
                return <td key={l + i} className={o.fail ? 'fail mono' : 'mono'} title={o.why}>{o.text}{o.fail && o.why ? <div className="why">{o.why}</div> : null}</td>;
              })}
            </tr>
          ))}
          {rows.length === 0 && <tr><td colSpan={4 + (labels?.length ?? 0)} className="muted">No ops yet: press Step or Play.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

/** The most recent failure of each allocator (the seed reports the failed size). */
export function Failures() {
  const allocs = useStore((s) => s.summary?.allocators);
  if (!allocs || allocs.every((a) => a.failures.length === 0)) return null;
  return (
    <section className="card failures" data-testid="failures">
      {allocs.map((a) => {
        const f = a.failures[a.failures.length - 1];
        return (
          <div key={a.label}>
            <b>{a.label}</b>: {a.failures.length} failed allocation{a.failures.length === 1 ? '' : 's'}
            {f && <span data-testid="last-failure"> · last at op {f.op} on CPU {f.cpu}: <b className="fail">{f.bytes} bytes</b> ({f.reason}{f.max !== undefined ? `, MAX ${f.max}` : ''})</span>}
          </div>
        );
      })}
    </section>
  );
}
