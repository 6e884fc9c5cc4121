/** explainFailure on every kind: it reads, never writes, and agrees with largestFree. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAllocator, type AllocatorSpec } from './registry';
import { bufferBytes, firstDiff } from './test-util';

const SPECS: AllocatorSpec[] = [
  { kind: 'nta', preset: 'blog', overrides: { regions: 16, maxPages: 16 } },
  { kind: 'nta', preset: 'patch2', overrides: { regions: 1, maxPages: 24 } },
  { kind: 'pow2', overrides: { pages: 16 } },
  { kind: 'buddy', overrides: { pages: 16 } },
  { kind: 'slab', preset: '2.6.18-x86_64', overrides: { pages: 16 } },
  { kind: 'slub', preset: '6.6-x86_64', overrides: { pages: 16 } },
];

describe('explainFailure on every kind', () => {
  it.each(SPECS.map((s) => [`${s.kind}${'preset' in s ? `:${s.preset}` : ''}`, s] as const))(
    '%s: after random allocations and frees, explaining a failure changes no byte of state',
    (_name, spec) => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 9000 }), fc.boolean()), {
            minLength: 1,
            maxLength: 120,
          }),
          (ops) => {
            const a = createAllocator(spec, 2);
            const live: [number, number][] = [];
            let failed: [number, number] | null = null;
            for (const [cpu, bytes, free] of ops) {
              if (free && live.length) {
                const [addr, b] = live.splice(bytes % live.length, 1)[0];
                a.free(cpu, addr, b);
                continue;
              }
              const r = a.alloc(cpu, bytes);
              if (r >= 0) live.push([r, bytes]);
              else failed = [cpu, bytes];
            }
            const [cpu, bytes] = failed ?? [0, 8000];
            const before = bufferBytes(a);
            const e = a.explainFailure?.(cpu, bytes);
            expect(e).toBeDefined();
            expect(firstDiff(bufferBytes(a), before)).toBe(-1);
            expect(e?.paragraph.startsWith(`${a.label} CPU ${cpu}: `)).toBe(true);
            for (const u of e?.unusable ?? []) {
              expect(u.bytes).toBeGreaterThan(0);
              const spanned = u.spans.reduce((n, s) => n + s.bytes, 0);
              if (!u.truncated) expect(spanned).toBe(u.bytes);
            }
          },
        ),
        { numRuns: 40 },
      );
    },
  );
});
