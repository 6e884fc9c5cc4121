/**
 * Run setup: workload with its parameters and seed, allocators to compare,
 * CPU count, schedule. Edits a draft; "Apply" configures a new run.
 * The form is built from the engine's registries (WORKLOADS, NTA presets, TRACE_FORMATS).
 *
 * Traces: a bundled sample, or a file imported with "Import trace…" (or dropped anywhere
 * on the page), read in the format chosen beside the button ("auto": recognised from its
 * text) by an import worker, with progress and Cancel (use-trace-import.ts). The setup
 * changes only once the whole file is read: an error is shown and leaves the setup and
 * the run as they were.
 */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  PARAMS,
  paramValues,
  parseAllocatorSpec,
  specChoices,
  specLabel,
  specName,
  type AllocatorSpec,
} from '../../engine/allocators/registry';
import { COMMON_PARAMS, type ParamSpec, WORKLOADS } from '../../engine/workloads/generators';
import { startOrAsk } from '../runtime/actions';
import { AUTO_FORMAT, cpuProblem } from '../runtime/traces';
import { MAX_OPS } from '../run-limits';
import { useStore } from '../store/store';
import { DropTarget, ImportProgressBar, ImportSummaryView } from './ImportParts';
import { TRACE_DESCRIPTION, TraceFormatPicker, TraceFormats, TraceInfo } from './TraceParts';
import { useTraceImport } from './use-trace-import';
import {
  decodeUrl,
  DEFAULT_SETUP,
  encodeUrl,
  isLocalTrace,
  MAX_ALLOCATORS,
  MAX_CPUS,
  resolvedParams,
  SAMPLE_TRACES,
  type Setup,
  TRACE_WORKLOAD,
  traceFileName,
  withWorkload,
} from '../url-state';

/** Picker values: WORKLOADS keys, `trace:KEY`, and IMPORT (opens the file chooser). */
const TRACE_PREFIX = 'trace:';
const IMPORT = '__import__';

function ParamField({
  name,
  spec,
  value,
  onChange,
}: {
  name: string;
  spec: ParamSpec;
  value: number | string | boolean;
  onChange: (v: string) => void;
}) {
  const input =
    spec.kind === 'enum' ? (
      <select value={String(value)} onChange={(e) => onChange(e.target.value)}>
        {spec.values.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    ) : spec.kind === 'bool' ? (
      <input
        type="checkbox"
        checked={value === true || value === 'true'}
        onChange={(e) => onChange(String(e.target.checked))}
      />
    ) : (
      <input
        type="number"
        value={String(value)}
        min={spec.min}
        max={spec.max}
        step={spec.kind === 'int' ? 1 : 'any'}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  return (
    <label className="field" title={spec.doc}>
      <span>{name}</span>
      {input}
    </label>
  );
}

/** The preset's value of each parameter (the inputs' placeholders); none when the preset is invalid on these CPUs. */
function defaultsOf(spec: AllocatorSpec, cpus: number): Record<string, number> {
  try {
    return paramValues({ ...spec, overrides: undefined }, cpus);
  } catch {
    return {};
  }
}

function AllocatorRow({
  spec,
  index,
  setup,
  update,
}: {
  spec: AllocatorSpec;
  index: number;
  setup: Setup;
  update: (s: Setup) => void;
}) {
  const set = (next: AllocatorSpec) =>
    update({ ...setup, allocators: setup.allocators.map((a, i) => (i === index ? next : a)) });
  const defaults = defaultsOf(spec, setup.cpus);
  const overrides = (spec.overrides ?? {}) as Record<string, number | undefined>;
  return (
    <div className="alloc-row">
      <select
        aria-label={`allocator ${index + 1}`}
        value={specName(spec)}
        onChange={(e) => set(parseAllocatorSpec(e.target.value))}
      >
        {specChoices().map((c) => (
          <option key={specName(c)} value={specName(c)}>
            {specLabel(c)}
          </option>
        ))}
      </select>
      {PARAMS[spec.kind].map(({ key: k, doc, min, max }) => (
        <label key={k} className="field small" title={doc}>
          <span>{k}</span>
          <input
            type="number"
            min={min}
            max={max}
            step={1}
            placeholder={String(defaults[k] ?? '')}
            value={overrides[k] ?? ''}
            onChange={(e) => {
              const o = { ...overrides };
              if (e.target.value === '') delete o[k];
              else o[k] = Number(e.target.value);
              const next = { ...spec, overrides: o } as AllocatorSpec;
              if (Object.keys(o).length === 0) delete next.overrides;
              set(next);
            }}
          />
        </label>
      ))}
      <button
        type="button"
        disabled={setup.allocators.length <= 1}
        onClick={() => update({ ...setup, allocators: setup.allocators.filter((_, i) => i !== index) })}
      >
        Remove
      </button>
    </div>
  );
}

export function SetupPanel() {
  const { setup, setSetup, status, runSetup, traces } = useStore(
    useShallow((s) => ({
      setup: s.setup,
      setSetup: s.setSetup,
      status: s.status,
      runSetup: s.runSetup,
      traces: s.traces,
    })),
  );
  const fileRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  /** How the next imported file is read (a TRACE_FORMAT_CHOICES name). */
  const [importFormat, setImportFormat] = useState(AUTO_FORMAT);
  const imp = useTraceImport();
  const onFile = (file: File) => void imp.importFile(file, importFormat);
  // The latest onFile for the page-wide drop listeners (registered once).
  const onFileRef = useRef(onFile);
  onFileRef.current = onFile;

  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    // Leaving the window: relatedTarget is null.
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      onFileRef.current(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const isTrace = setup.workload === TRACE_WORKLOAD;
  const loaded = isTrace && setup.trace ? traces[setup.trace] : undefined;
  // A trace names its CPUs: fewer simulated CPUs than it uses cannot replay it.
  const traceProblem = loaded ? cpuProblem(loaded, setup.cpus) : null;

  const onPick = (value: string) => {
    if (value === IMPORT) {
      fileRef.current?.click();
      return;
    }
    if (value.startsWith(TRACE_PREFIX)) {
      const key = value.slice(TRACE_PREFIX.length);
      const t = useStore.getState().traces[key];
      if (t) imp.select(t);
      else void imp.loadSample(key);
      return;
    }
    imp.clear();
    setSetup(withWorkload(setup, value));
  };

  const info = isTrace ? { description: TRACE_DESCRIPTION, params: {} } : WORKLOADS[setup.workload];
  let values: Record<string, number | string | boolean> = {};
  let formError: string | null = null;
  try {
    values = resolvedParams(setup);
  } catch (e) {
    formError = (e as Error).message;
    values = { ...setup.params };
  }
  if (isTrace) {
    // The trace itself is checked here; the rest of the setup by the URL round trip below.
    if (!setup.trace) formError = 'pick a sample trace or import a trace file';
    else if (isLocalTrace(setup.trace) && !loaded)
      formError = `the imported trace '${traceFileName(setup.trace)}' is not loaded: import it again`;
    else formError = traceProblem;
  }
  const rest = isTrace ? withWorkload(setup, DEFAULT_SETUP.workload) : setup;
  if (formError === null) formError = decodeUrl(encodeUrl(rest, 0)).errors.join(' ') || null;
  const changed = JSON.stringify(runSetup) !== JSON.stringify(setup);
  const localTraces = Object.values(traces).filter((t) => isLocalTrace(t.key));
  const pickerValue = isTrace ? `${TRACE_PREFIX}${setup.trace ?? ''}` : setup.workload;
  const unlistedLocal =
    isTrace && setup.trace && isLocalTrace(setup.trace) && !traces[setup.trace] ? setup.trace : null;
  return (
    <section className="card setup" aria-label="run setup">
      {dragging && <DropTarget />}
      <h2>Setup</h2>
      <div className="picker">
        <label className="field wide">
          <span>workload</span>
          <select aria-label="workload" value={pickerValue} onChange={(e) => onPick(e.target.value)}>
            <optgroup label="generated">
              {Object.keys(WORKLOADS).map((w) => (
                <option key={w} value={w}>
                  {w}
                </option>
              ))}
            </optgroup>
            <optgroup label="traces">
              {SAMPLE_TRACES.map((t) => (
                <option key={t.path} value={`${TRACE_PREFIX}${t.path}`}>
                  {t.label}
                </option>
              ))}
              {localTraces.map((t) => (
                <option key={t.key} value={`${TRACE_PREFIX}${t.key}`}>
                  imported: {t.fileName}
                </option>
              ))}
              {unlistedLocal && (
                <option value={`${TRACE_PREFIX}${unlistedLocal}`}>imported: {traceFileName(unlistedLocal)}</option>
              )}
              <option value={IMPORT}>Import trace…</option>
            </optgroup>
          </select>
        </label>
        <button
          type="button"
          onClick={() => fileRef.current?.click()}
          title="Read a trace file (in the format chosen beside, or any known format), or drop one on this panel"
        >
          Import trace…
        </button>
        <TraceFormatPicker value={importFormat} onChange={setImportFormat} />
        <input
          ref={fileRef}
          type="file"
          hidden
          data-testid="trace-file"
          aria-label="trace file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) onFile(file);
          }}
        />
      </div>
      {imp.importing && <ImportProgressBar state={imp.importing} onCancel={imp.cancel} />}
      {imp.message && (
        <p
          className={imp.message.error ? 'error trace-msg' : 'muted trace-msg'}
          role={imp.message.error ? 'alert' : 'status'}
          data-testid="trace-msg"
        >
          {imp.message.text}
        </p>
      )}
      {isTrace && <TraceInfo setup={setup} loaded={loaded} />}
      {loaded && <ImportSummaryView s={loaded.trace.summary} />}
      <p className="definition">{info.description}</p>
      {isTrace && <TraceFormats />}
      <div className="fields">
        {Object.entries(info.params).map(([name, spec]) => (
          <ParamField
            key={name}
            name={name}
            spec={spec}
            value={setup.params[name] ?? values[name] ?? spec.default}
            onChange={(v) => setSetup({ ...setup, params: { ...setup.params, [name]: v } })}
          />
        ))}
        {!isTrace && (
          <ParamField
            name="seed"
            spec={COMMON_PARAMS.seed}
            value={setup.seed}
            onChange={(v) => setSetup({ ...setup, seed: Number(v) })}
          />
        )}
        <ParamField
          name="ops"
          spec={{ ...COMMON_PARAMS.ops, max: MAX_OPS }}
          value={setup.ops}
          onChange={(v) => setSetup({ ...setup, ops: Number(v) })}
        />
        <label className="field" title="simulated CPUs (one worker each)">
          <span>CPUs</span>
          <input
            type="number"
            min={1}
            max={MAX_CPUS}
            value={setup.cpus}
            onChange={(e) => setSetup({ ...setup, cpus: Number(e.target.value) })}
          />
        </label>
        <label className="field" title="lockstep: one global op order, reproducible, seekable; free: CPUs race">
          <span>schedule</span>
          <select
            value={setup.schedule}
            onChange={(e) => setSetup({ ...setup, schedule: e.target.value as Setup['schedule'] })}
          >
            <option value="lockstep">lockstep</option>
            <option value="free">free-running</option>
          </select>
        </label>
      </div>
      <h3>Allocators (compared on one op cursor)</h3>
      {setup.allocators.map((spec, i) => (
        <AllocatorRow key={i} spec={spec} index={i} setup={setup} update={setSetup} />
      ))}
      <div className="row">
        <button
          type="button"
          disabled={setup.allocators.length >= MAX_ALLOCATORS}
          onClick={() => setSetup({ ...setup, allocators: [...setup.allocators, { kind: 'nta', preset: 'patch2' }] })}
        >
          Add allocator
        </button>
        <button
          type="button"
          className="primary"
          disabled={status === 'configuring' || formError !== null}
          onClick={() => void startOrAsk(setup, 0)}
        >
          Apply{changed ? ' changes' : ''}
        </button>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(location.href)}>
          Copy link
        </button>
      </div>
      {formError && <p className="error">{formError}</p>}
    </section>
  );
}
