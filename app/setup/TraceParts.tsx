/** The setup panel's trace pieces: what the selected trace is, the formats read, the import's format choice. */
import type { LoadedTrace } from '../store/store';
import { TRACE_FORMAT_CHOICES, AUTO_FORMAT, traceUrl } from '../runtime/traces';
import { isLocalTrace, sampleTrace, type Setup, traceFileName } from '../url-state';

export const TRACE_DESCRIPTION =
  'Replays a trace op by op (allocations, frees) on every allocator; its format is recognised ' +
  'from the text, or is the one chosen beside "Import trace…". Import a file with "Import trace…" ' +
  'or drop one anywhere on the page; it is read in a worker, with progress and Cancel. The run ' +
  "gets the trace's CPU count (change CPUs to replay it on more).";

const FORMATS = TRACE_FORMAT_CHOICES.filter((f) => f.name !== AUTO_FORMAT);

/** The trace formats Fragscope reads (new parsers appear here by themselves). */
export function TraceFormats() {
  return (
    <details className="definition trace-formats">
      <summary>formats read: {FORMATS.map((f) => f.label).join(', ')}</summary>
      <ul>
        {FORMATS.map((f) => (
          <li key={f.name}>
            <b>{f.label}</b>: {f.description}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** How the next imported file is read: auto (recognised from its text) or one format. */
export function TraceFormatPicker({ value, onChange }: { value: string; onChange: (format: string) => void }) {
  const chosen = TRACE_FORMAT_CHOICES.find((f) => f.name === value);
  return (
    <label className="field" title={`format of the next imported file: ${chosen?.description ?? ''}`}>
      <span>import as</span>
      <select aria-label="trace format" value={value} onChange={(e) => onChange(e.target.value)}>
        {TRACE_FORMAT_CHOICES.map((f) => (
          <option key={f.name} value={f.name}>
            {f.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** What the setup panel says about the selected trace. */
export function TraceInfo({ setup, loaded }: { setup: Setup; loaded: LoadedTrace | undefined }) {
  const key = setup.trace ?? '';
  const sample = sampleTrace(key);
  return (
    <p className="trace-info" data-testid="trace-info">
      {loaded ? (
        <>
          trace <b>{loaded.fileName}</b> ({loaded.format}, {loaded.ops.toLocaleString('en')} ops)
          <span data-testid="trace-cpus">
            {' '}
            · {loaded.trace.summary.cpus} CPU{loaded.trace.summary.cpus === 1 ? '' : 's'} in the trace
            {setup.cpus === loaded.trace.summary.cpus ? ': the run uses as many' : `: the run uses ${setup.cpus}`}
          </span>
        </>
      ) : (
        <>
          trace <b>{traceFileName(key)}</b> ({isLocalTrace(key) ? 'not loaded: import it again' : 'loaded when applied'}
          )
        </>
      )}
      {sample && (
        <>
          {' '}
          · from{' '}
          <a href={traceUrl(sample.source)} target="_blank" rel="noreferrer">
            wee_alloc (MPL-2.0)
          </a>
        </>
      )}
    </p>
  );
}
