import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importText } from '../../engine/import/import';
import { TRACE_FORMATS } from '../../engine/workloads/trace';
import type { LoadedTrace } from '../store/store';
import { AUTO_FORMAT, cpuProblem, TRACE_FORMAT_CHOICES } from './traces';

const read = (path: string): string => readFileSync(new URL(`../../engine/${path}`, import.meta.url), 'utf8');

/** A LoadedTrace as the import worker makes it (the same importer, on the main thread here). */
function loaded(path: string): LoadedTrace {
  const r = importText(read(path), { fileName: path.replace(/.*\//, '') });
  const trace = { format: r.format, ops: r.ops.handle, sites: r.sites, summary: r.summary, cpuRecords: r.cpuRecords };
  return {
    key: `local:${trace.summary.file}`,
    fileName: trace.summary.file,
    format: r.format,
    ops: r.summary.ops,
    trace,
  };
}

describe('TRACE_FORMAT_CHOICES', () => {
  it('is auto, then every format the engine reads, once each', () => {
    expect(TRACE_FORMAT_CHOICES[0].name).toBe(AUTO_FORMAT);
    expect(TRACE_FORMAT_CHOICES.slice(1).map((f) => f.name)).toEqual(TRACE_FORMATS.map((f) => f.name));
  });
});

describe('cpuProblem(trace, cpus)', () => {
  it("is null at the trace's own CPU count and above, file:line of the first event on a missing CPU below", () => {
    const t = loaded('data/traces/kmem.ftrace.txt');
    const cpus = t.trace.summary.cpus;
    expect(cpus).toBeGreaterThan(1);
    expect(cpuProblem(t, cpus)).toBeNull();
    expect(cpuProblem(t, cpus + 1)).toBeNull();
    const first = t.trace.cpuRecords.find((c) => c.cpu >= 1);
    expect(cpuProblem(t, 1)).toContain(
      `kmem.ftrace.txt:${first?.line}: event on CPU ${first?.cpu}, but there is 1 CPU`,
    );
    expect(cpuProblem(t, 1)).toContain(`run with --cpus ${cpus}`);
  });
});
