/** The CLI's --json failure records carry each failure's explanation (core/explain.ts). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXPLAIN_FIRST } from '../runtime/lane';

const here = (f: string) => new URL(f, import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', here('./main.ts'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Explained {
  rounded: number;
  sizeClass: string | null;
  largest: { address: number; bytes: number }[];
  unusable: { reason: string; bytes: number }[];
  refused: string | null;
  paragraph: string;
}
interface Json {
  allocators: {
    name: string;
    failures: { op: number; bytes: number; cpu: number; largestFree: number; explanation?: Explained }[];
  }[];
}

describe('cli: --json explains failures', () => {
  it('producer-consumer on NTA: CPU 0 fails with its pool in its remote-free queue; the first failures only', () => {
    const r = cli('run', '--allocators', 'nta', '--workload', 'producer-consumer', '--cpus', '2', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Json;
    const f = j.allocators[0].failures;
    expect(f.length).toBeGreaterThan(EXPLAIN_FIRST);
    expect(f.slice(0, EXPLAIN_FIRST).every((x) => x.explanation)).toBe(true);
    expect(f.slice(EXPLAIN_FIRST).some((x) => x.explanation)).toBe(false);
    const e = f[0].explanation as Explained;
    expect(f[0].cpu).toBe(0);
    expect(e.largest[0].bytes).toBe(f[0].largestFree);
    expect(e.largest[0].bytes).toBeLessThan(e.rounded);
    const queued = e.unusable.find((u) => u.reason === 'pending-remote');
    expect(queued?.bytes).toBeGreaterThan(4_000_000);
    expect(e.refused).toBe('no growth: the pool is fixed at 4,094 pages');
    expect(e.paragraph).toMatch(
      /^NTA \(blog\) CPU 0: [\d,]+ B asked \([^)]*\); [\d,]+ B is its largest free run; [\d.]+ MiB waits in its remote-free queue; .*; no growth: the pool is fixed at 4,094 pages\.$/,
    );
  });

  it('seed-fragmentation on SLAB and SLUB: each failure names its cache and the zone', () => {
    const r = cli('run', '--allocators', 'slab,slub', '--workload', 'seed-fragmentation', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Json;
    for (const a of j.allocators) {
      expect(a.failures.length).toBeGreaterThan(0);
      for (const f of a.failures) {
        const e = f.explanation as Explained;
        expect(e.sizeClass).toMatch(a.name === 'slab' ? /^size-\d+, order-\d slabs$/ : /^kmalloc-\d+, order-\d slabs$/);
        expect(e.refused).toMatch(
          a.name === 'slab' ? /^cache_grow of size-\d+ refused: / : /^new_slab of kmalloc-\d+ refused: /,
        );
        expect(e.paragraph).toContain(`CPU 0: ${f.bytes.toLocaleString('en-US')} B asked`);
      }
    }
  });

  it('on workers the records carry no explanation (the coordinator never sees the state of the failure)', () => {
    const r = cli(
      'run',
      '--allocators',
      'nta',
      '--workload',
      'producer-consumer',
      '--cpus',
      '2',
      '--threads',
      'workers',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Json;
    expect(j.allocators[0].failures.length).toBeGreaterThan(0);
    expect(j.allocators[0].failures.some((x) => x.explanation)).toBe(false);
  });
});
