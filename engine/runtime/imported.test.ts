import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importText } from '../import/import';
import type { RunConfig } from './api';
import { Controller } from './controller';

const NAME = 'kmem-6.x.ftrace.txt';
const text = readFileSync(new URL(`../data/traces/${NAME}`, import.meta.url), 'utf8');

describe('a run of an imported op buffer (RunConfig.importedTrace)', () => {
  it('a run cut short by `ops` leaves the shared buffer whole for the next run made from it', async () => {
    const r = importText(text, { fileName: NAME });
    const cfg = (ops: number): RunConfig => ({
      workload: 'trace',
      params: {},
      importedTrace: { fileName: NAME, ops: r.ops.handle, sites: r.sites },
      allocators: [{ kind: 'pow2' }],
      cpus: r.summary.cpus,
      schedule: 'lockstep',
      seed: 1,
      ops,
    });
    const c = new Controller(null);
    await c.configure(cfg(3));
    expect((await c.runUntil({ kind: 'end' })).op).toBe(3);
    await c.configure(cfg(0));
    const s = await c.runUntil({ kind: 'end' });
    expect(s.op).toBe(r.summary.ops);
    expect(s.done).toBe(true);
    expect(r.ops.produced).toBe(r.summary.ops);
    await c.dispose();
  });
});
