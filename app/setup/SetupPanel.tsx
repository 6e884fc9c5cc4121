/**
 * Run setup: workload with its parameters and seed, allocators to compare,
 * CPU count, schedule. Edits a draft; "Apply" configures a new run.
 * The form is built from the engine's registries (WORKLOADS, NTA presets).
 */
import { useShallow } from 'zustand/react/shallow';
import { NTA_PRESETS, ntaParams, type NtaPresetName } from '../../engine/allocators/nta/presets';
import { POW2_DEFAULTS } from '../../engine/allocators/pow2';
import type { AllocatorSpec } from '../../engine/allocators/registry';
import { COMMON_PARAMS, type ParamSpec, WORKLOADS } from '../../engine/workloads/generators';
import { start } from '../runtime/actions';
import { useStore } from '../store/store';
import { decodeUrl, encodeUrl, MAX_ALLOCATORS, MAX_CPUS, OVERRIDE_KEYS, resolvedParams, type Setup } from '../url-state';

function ParamField({ name, spec, value, onChange }: { name: string; spec: ParamSpec; value: number | string | boolean; onChange: (v: string) => void }) {
  const input = spec.kind === 'enum'
    ? <select value={String(value)} onChange={(e) => onChange(e.target.value)}>{spec.values.map((v) => <option key={v}>{v}</option>)}</select>
    : spec.kind === 'bool'
      ? <input type="checkbox" checked={value === true || value === 'true'} onChange={(e) => onChange(String(e.target.checked))} />
      : <input type="number" value={String(value)} min={spec.min} max={spec.max} step={spec.kind === 'int' ? 1 : 'any'} onChange={(e) => onChange(e.target.value)} />;
  return <label className="field" title={spec.doc}><span>{name}</span>{input}</label>;
}

function defaultsOf(spec: AllocatorSpec, cpus: number): Record<string, number> {
  if (spec.kind === 'pow2') return { ...POW2_DEFAULTS } as unknown as Record<string, number>;
  try { return ntaParams(spec.preset, cpus) as unknown as Record<string, number>; } catch { return {}; }
}

function AllocatorRow({ spec, index, setup, update }: { spec: AllocatorSpec; index: number; setup: Setup; update: (s: Setup) => void }) {
  const set = (next: AllocatorSpec) => update({ ...setup, allocators: setup.allocators.map((a, i) => (i === index ? next : a)) });
  const defaults = defaultsOf(spec, setup.cpus);
  const overrides = (spec.overrides ?? {}) as Record<string, number | undefined>;
  return (
    <div className="alloc-row">
      <select aria-label={`allocator ${index + 1}`} value={spec.kind === 'nta' ? `nta:${spec.preset}` : 'pow2'}
        onChange={(e) => set(e.target.value === 'pow2' ? { kind: 'pow2' } : { kind: 'nta', preset: e.target.value.split(':')[1] as NtaPresetName })}>
        {NTA_PRESETS.map((p) => <option key={p} value={`nta:${p}`}>NTA ({p})</option>)}
        <option value="pow2">pow2 (SLAB-like)</option>
      </select>
      {OVERRIDE_KEYS[spec.kind].map((k) => (
        <label key={k} className="field small">
          <span>{k}</span>
          <input type="number" min={0} placeholder={String(defaults[k] ?? '')} value={overrides[k] ?? ''}
            onChange={(e) => {
              const o = { ...overrides };
              if (e.target.value === '') delete o[k]; else o[k] = Number(e.target.value);
              const next = { ...spec, overrides: o } as AllocatorSpec;
              if (Object.keys(o).length === 0) delete next.overrides;
              set(next);
            }} />
        </label>
      ))}
      <button type="button" disabled={setup.allocators.length <= 1}
        onClick={() => update({ ...setup, allocators: setup.allocators.filter((_, i) => i !== index) })}>Remove</button>
    </div>
  );
}

export function SetupPanel() {
  const { setup, setSetup, status, runSetup } = useStore(useShallow((s) => ({ setup: s.setup, setSetup: s.setSetup, status: s.status, runSetup: s.runSetup })));
  const info = WORKLOADS[setup.workload]!;
  let values: Record<string, number | string | boolean> = {};
  let formError: string | null = null;
  try { values = resolvedParams(setup); } catch (e) { formError = (e as Error).message; values = { ...setup.params }; }
  if (formError === null) formError = decodeUrl(encodeUrl(setup, 0)).errors.join(' ') || null;
  const changed = JSON.stringify(runSetup) !== JSON.stringify(setup);
  return (
    <section className="card setup" aria-label="run setup">
      <h2>Setup</h2>
      <label className="field wide"><span>workload</span>
        <select aria-label="workload" value={setup.workload} onChange={(e) => setSetup({ ...setup, workload: e.target.value, params: {} })}>
          {Object.keys(WORKLOADS).map((w) => <option key={w}>{w}</option>)}
        </select>
      </label>
      <p className="definition">{info.description}</p>
      <div className="fields">
        {Object.entries(info.params).map(([name, spec]) => (
          <ParamField key={name} name={name} spec={spec} value={setup.params[name] ?? values[name] ?? spec.default}
            onChange={(v) => setSetup({ ...setup, params: { ...setup.params, [name]: v } })} />
        ))}
        <ParamField name="seed" spec={COMMON_PARAMS.seed} value={setup.seed} onChange={(v) => setSetup({ ...setup, seed: Number(v) })} />
        <ParamField name="ops" spec={COMMON_PARAMS.ops} value={setup.ops} onChange={(v) => setSetup({ ...setup, ops: Number(v) })} />
        <label className="field" title="simulated CPUs (one worker each)"><span>CPUs</span>
          <input type="number" min={1} max={MAX_CPUS} value={setup.cpus} onChange={(e) => setSetup({ ...setup, cpus: Number(e.target.value) })} />
        </label>
        <label className="field" title="lockstep: one global op order, reproducible, seekable; free: CPUs race"><span>schedule</span>
          <select value={setup.schedule} onChange={(e) => setSetup({ ...setup, schedule: e.target.value as Setup['schedule'] })}>
            <option value="lockstep">lockstep</option><option value="free">free-running</option>
          </select>
        </label>
      </div>
      <h3>Allocators (compared on one op cursor)</h3>
      {setup.allocators.map((spec, i) => <AllocatorRow key={i} spec={spec} index={i} setup={setup} update={setSetup} />)}
      <div className="row">
        <button type="button" disabled={setup.allocators.length >= MAX_ALLOCATORS}
          onClick={() => setSetup({ ...setup, allocators: [...setup.allocators, { kind: 'nta', preset: 'patch2' }] })}>Add allocator</button>
        <button type="button" className="primary" disabled={status === 'configuring' || formError !== null} onClick={() => void start(setup, 0)}>
          Apply{changed ? ' changes' : ''}
        </button>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(location.href)}>Copy link</button>
      </div>
      {formError && <p className="error">{formError}</p>}
    </section>
  );
}
