/**
 * What an import shows: its progress (bytes read of the file, lines per second, Cancel), the
 * page-wide drop target, and the import summary of the selected trace (the figures of the CLI's
 * import summary and --json: engine/import/summary.ts is their one home).
 */
import type { ImportSummary } from '../../engine/import/summary';
import type { ImportState } from './use-trace-import';

const n = (x: number): string => x.toLocaleString('en');
const mb = (b: number): string => (b / 1e6).toFixed(1);

/** Lines per second in words: '1.2 M lines/s'. */
export function rateText(lines: number, ms: number): string {
  if (ms <= 0 || lines === 0) return '';
  const r = (lines * 1000) / ms;
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M lines/s` : `${n(Math.round(r))} lines/s`;
}

export function ImportProgressBar({ state, onCancel }: { state: ImportState; onCancel: () => void }) {
  const { bytes, total, lines } = state.progress;
  const pct = total > 0 ? Math.floor((100 * bytes) / total) : 0;
  const rate = rateText(lines, performance.now() - state.t0);
  return (
    <div className="import-progress" data-testid="import-progress" role="status">
      <span>
        reading <b>{state.fileName}</b>: {mb(bytes)} of {total > 0 ? mb(total) : '?'} MB ({pct}%), {n(lines)} lines
        {rate && `, ${rate}`}
      </span>
      <div className="row">
        <progress value={bytes} max={Math.max(1, total)} aria-label="import progress" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Shown over the whole page while a file is dragged over it. */
export function DropTarget() {
  return (
    <div className="drop-target" data-testid="drop-target">
      <p>Drop a trace file to import it</p>
    </div>
  );
}

function Row({ k, label, value }: { k: string; label: string; value: string }) {
  return (
    <tr data-key={k}>
      <th scope="row">{label}</th>
      <td>{value}</td>
    </tr>
  );
}

/** The import summary: what the trace held, before anything replays. */
export function ImportSummaryView({ s }: { s: ImportSummary }) {
  const skipped = s.skipped.reduce((t, r) => t + r.lines, 0);
  const span = s.timeSpan ? `${(s.timeSpan.last - s.timeSpan.first).toFixed(6)} s` : 'not in this format';
  return (
    <details className="import-summary" data-testid="import-summary" open>
      <summary>
        import summary: {s.file} read as {s.format}, {n(s.lines)} lines, {mb(s.bytes)} MB
      </summary>
      <table>
        <tbody>
          <Row k="format" label="format" value={s.format} />
          <Row k="events" label="events" value={n(s.events)} />
          <Row k="allocations" label="allocations" value={n(s.allocations)} />
          <Row k="frees" label="frees" value={n(s.frees)} />
          <Row k="reallocs" label="reallocs" value={n(s.reallocs)} />
          <Row k="nullFrees" label="NULL frees" value={n(s.nullFrees)} />
          <Row k="unknownFrees" label="frees of unknown pointers" value={n(s.unknownFrees)} />
          <Row k="failedAllocations" label="failed allocations in the trace" value={n(s.failedAllocations)} />
          <Row k="cpus" label="CPUs" value={`${s.cpus}${s.cpusStated ? ` (the header says ${s.cpusStated})` : ''}`} />
          <Row k="processes" label="processes" value={n(s.processes)} />
          <Row k="timeSpan" label="time span" value={span} />
          <Row k="largestRequest" label="largest request" value={`${n(s.largestRequest)} B`} />
          <Row k="ops" label="ops to replay" value={n(s.ops)} />
          <Row k="callSites" label="call sites" value={n(s.callSites)} />
          <Row
            k="skipped"
            label="skipped lines"
            value={skipped ? `${n(skipped)}: ${s.skipped.map((r) => `${r.reason} ${n(r.lines)}`).join(', ')}` : '0'}
          />
        </tbody>
      </table>
      {s.unreadable.count > 0 && (
        <div data-testid="import-warnings">
          <p>
            {n(s.unreadable.count)} unreadable lines were skipped; the first {s.unreadable.first.length}:
          </p>
          <ol className="warnings">
            {s.unreadable.first.map((u) => (
              <li key={u.line}>
                line {u.line}: {u.why}: <code>{u.text}</code>
              </li>
            ))}
          </ol>
        </div>
      )}
      {s.warnings.map((w) => (
        <p key={w} className="muted">
          warning: {w}
        </p>
      ))}
    </details>
  );
}
