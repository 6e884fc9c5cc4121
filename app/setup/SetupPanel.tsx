/**
 * Run setup: workload with its parameters and seed, allocators to compare,
 * CPU count, schedule. Edits a draft; "Apply" configures a new run.
 * The form is built from the engine's registries (WORKLOADS, NTA presets, TRACE_FORMATS).
 *
 * Traces: a bundled sample, or a file imported with "Import trace…" (or dropped on
 * the panel), read in the format chosen beside the button ("auto": recognised from its
 * text). A file is parsed here before the setup changes: a parse error is shown
 * and leaves the setup and the run as they were.
 */
import { useMemo, useRef, useState, type DragEvent } from 'react';
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
import { parseTrace } from '../../engine/workloads/trace';
import { startOrAsk } from '../runtime/actions';
import { AUTO_FORMAT, importFile, loadSample } from '../runtime/traces';
import { MAX_OPS } from '../run-limits';
import { type LoadedTrace, useStore } from '../store/store';
import { TRACE_DESCRIPTION, TraceFormatPicker, TraceFormats, TraceInfo } from './TraceParts';
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
  /** A trace being read or fetched, or why the last one was refused. */
  const [traceMsg, setTraceMsg] = useState<{ error: boolean; text: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  /** How the next imported file is read (a TRACE_FORMAT_CHOICES name). */
  const [importFormat, setImportFormat] = useState(AUTO_FORMAT);
  /** Bumped per trace load so a late answer of an older one is ignored. */
  const loadId = useRef(0);

  const isTrace = setup.workload === TRACE_WORKLOAD;
  const loaded = isTrace && setup.trace ? traces[setup.trace] : undefined;
  // Op files check `cpu N` against the CPU count: check again when it changes.
  const traceProblem = useMemo(() => {
    if (!loaded) return null;
    try {
      parseTrace(loaded.text, loaded.fileName, setup.cpus, loaded.format);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }, [loaded, setup.cpus]);

  /** Switch the setup to a loaded trace (the store's current setup: loads are asynchronous). */
  const selectTrace = (t: LoadedTrace) => {
    const st = useStore.getState();
    st.setSetup(withWorkload(st.setup, TRACE_WORKLOAD, t.key));
    setTraceMsg(null);
  };
  const load = async (what: string, f: () => Promise<LoadedTrace>) => {
    const id = ++loadId.current;
    setTraceMsg({ error: false, text: `loading ${what}…` });
    try {
      const t = await f();
      if (id === loadId.current) selectTrace(t);
    } catch (e) {
      if (id !== loadId.current) return;
      setTraceMsg({
        error: true,
        text: `Not imported: ${(e as Error).message}. The setup and the current run are unchanged.`,
      });
    }
  };
  const onFile = (file: File) => load(file.name, () => importFile(file, useStore.getState().setup.cpus, importFormat));
  const onPick = (value: string) => {
    if (value === IMPORT) {
      fileRef.current?.click();
      return;
    }
    if (value.startsWith(TRACE_PREFIX)) {
      const key = value.slice(TRACE_PREFIX.length);
      const t = useStore.getState().traces[key];
      if (t) {
        loadId.current++;
        selectTrace(t);
      } else void load(traceFileName(key), () => loadSample(key, setup.cpus));
      return;
    }
    loadId.current++;
    setTraceMsg(null);
    setSetup(withWorkload(setup, value));
  };
  const onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDrop = (e: DragEvent) => {
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    e.preventDefault();
    void onFile(file);
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
    <section
      className={`card setup${dragging ? ' dropping' : ''}`}
      aria-label="run setup"
      onDragOver={onDragOver}
      onDrop={onDrop}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
    >
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
            if (file) void onFile(file);
          }}
        />
      </div>
      {traceMsg && (
        <p
          className={traceMsg.error ? 'error trace-msg' : 'muted trace-msg'}
          role={traceMsg.error ? 'alert' : 'status'}
          data-testid="trace-msg"
        >
          {traceMsg.text}
        </p>
      )}
      {isTrace && <TraceInfo setup={setup} loaded={loaded} />}
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
