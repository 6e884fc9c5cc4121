/** Issue 9's command: the kernel allocators beside NTA and pow2 in one `run`, as users type it. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from './test-tmp';

const tmp = tempDirs('fragscope-kernel-cli-test-');
afterEach(() => tmp.cleanup());
afterAll(() => expect(tmp.leaked()).toEqual([]));

const here = (f: string) => new URL(f, import.meta.url).pathname;
const FOUR = ['nta:blog', 'slab:2.6.18-x86_64', 'slub:3.6-i386', 'pow2'];

describe('run --allocators nta,slab:2.6.18-x86_64,slub:3.6-i386,pow2', () => {
  it('reports all four in --json and logs each op with the size each one handed out', () => {
    const dir = tmp.make();
    const log = join(dir, 'ops.log');
    const args = ['--allocators', 'nta,slab:2.6.18-x86_64,slub:3.6-i386,pow2', '--workload', 'seed-fragmentation'];
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', here('./main.ts'), 'run', ...args, '--ops', '200', '--json', '--oplog', log],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { allocators: { name: string; ops: number; metrics: { heldBytes: number } }[] };
    expect(j.allocators.map((a) => a.name)).toEqual(['nta', ...FOUR.slice(1)]);
    for (const a of j.allocators) {
      expect(a.ops).toBe(200);
      expect(a.metrics.heldBytes).toBeGreaterThan(0);
    }
    // Op 0 asks for the same bytes of each: NTA rounds to 32-byte chunks, the others to their classes.
    const first = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => / 0 cpu 0 alloc 0 /.test(l));
    expect(first).toHaveLength(4);
    const req = Number(/alloc 0 (\d+) ->/.exec(first[0])?.[1]);
    const handed = first.map((l) => Number(/\((\d+) B\)$/.exec(l)?.[1]));
    expect(handed[0]).toBe(Math.ceil(req / 32) * 32);
    // Above 192 B, SLAB 2.6.18's size-N and SLUB 3.6's kmalloc-N classes are the powers of two, as pow2's.
    expect(req).toBeGreaterThan(192);
    const pow2 = 2 ** Math.ceil(Math.log2(req));
    expect(handed.slice(1)).toEqual([pow2, pow2, pow2]);
  });
});
