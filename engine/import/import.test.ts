import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OpBuffer } from '../core/op-buffer';
import { Engine } from '../runtime/engine';
import { ParseError } from '../workloads/parse-error';
import { parseAllocatorSpec } from '../allocators/registry';
import { DETECT_WINDOW_CHARS } from '../workloads/trace-detect';
import { TraceImporter, importChunks, importText, maxOpsFor, type ImportResult } from './import';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');

/** Every column of the ops, as plain arrays. */
function columns(b: OpBuffer): number[][] {
  const n = b.produced;
  return [b.kind, b.cpu, b.flags, b.align, b.slot, b.size, b.site, b.cache, b.alloc].map((c) =>
    Array.from(c.subarray(0, n)),
  );
}

/** `text` as UTF-8 bytes cut at the given positions (anywhere: inside a character, between \r and \n). */
function* cut(bytes: Uint8Array, at: number[]): Generator<Uint8Array> {
  let from = 0;
  for (const p of [...at.filter((x) => x > 0 && x < bytes.length)].sort((a, b) => a - b)) {
    yield bytes.subarray(from, p);
    from = p;
  }
  yield bytes.subarray(from);
}

function importBytes(text: string, at: number[], format?: string): ImportResult {
  const bytes = new TextEncoder().encode(text);
  const im = new TraceImporter({ fileName: 'f', format, sizeHint: bytes.length });
  for (const c of cut(bytes, at)) im.push(c);
  return im.end();
}

describe('the streaming import', () => {
  it.each([
    'pipeline.valgrind.txt',
    'kmem-6.x.ftrace.txt',
    'prog.mtrace.txt',
    'short-2016.rep',
    'kmem-callchain.perf.txt',
  ])('%s: chunks cut anywhere give the ops and the summary of the whole text', (name) => {
    const text = read(name);
    const whole = importText(text, { fileName: 'f' });
    const len = new TextEncoder().encode(text).length;
    fc.assert(
      fc.property(fc.array(fc.nat(len), { maxLength: 40 }), (at) => {
        const r = importBytes(text, at);
        expect(columns(r.ops)).toEqual(columns(whole.ops));
        expect({ ...r.summary, bytes: 0 }).toEqual({ ...whole.summary, bytes: 0 });
        expect(r.sites).toEqual(whole.sites);
      }),
      { numRuns: 25 },
    );
  });

  it('decodes UTF-8 split across chunks and CRLF split between \\r and \\n', () => {
    const text = '# café ☕ 😀\r\na 1 10\r\n# ünïcödé\r\nf 1\r\n';
    const bytes = new TextEncoder().encode(text);
    for (let p = 1; p < bytes.length; p++) {
      const r = importBytes(text, [p], 'ops');
      expect(r.summary.ops).toBe(2);
      expect(r.summary.bytes).toBe(bytes.length);
      expect(r.summary.warnings).toEqual([]);
    }
  });

  it('reports progress in bytes read, ending at the size', async () => {
    const text = read('ls.valgrind.txt');
    const bytes = new TextEncoder().encode(text);
    const seen: number[] = [];
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
    }
    const r = await importChunks(chunks(), { fileName: 'ls', onProgress: (b) => seen.push(b) });
    expect(r.summary.allocations).toBe(233);
    expect(seen.length).toBe(Math.ceil(bytes.length / 1000));
    expect(seen[seen.length - 1]).toBe(bytes.length);
    expect(seen.every((b, i) => i === 0 || b > seen[i - 1])).toBe(true);
  });

  it('refuses a file where most lines that look like events cannot be read, naming the closest format', () => {
    const bad = (n: number) => `bash-1 [000] .... 1.${n}: kmalloc: call_site=f ptr=zz${n} bytes_req=8`;
    const text = [
      bad(1),
      bad(2),
      bad(3),
      'bash-1 [000] .... 1.4: kmalloc: ptr=ff bytes_req=8',
      '--1-- malloc(8) = 0x10',
      '--1-- free(0x10)',
      '',
    ].join('\n');
    let e: unknown;
    try {
      importText(text, { fileName: 'x.txt' });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).message).toBe(
      `x.txt:1: not ftrace: 3 of 4 lines that look like ftrace events could not be read (the first: kmalloc with ptr=zz1, not a pointer: '${bad(1)}'); the closest format is valgrind (2 event lines in its first 256 KiB): try --format valgrind`,
    );
  });

  it('a file of the densest event lines fits the op buffer its size bounds', () => {
    // `r 0 1` is a free and an alloc in 6 characters, a failed mtrace request 2 ops in 10.
    const rep = `1\n1\n20000\n10\na 0 1\n${'r 0 1\n'.repeat(19999)}`;
    const r = importText(rep, { fileName: 'dense.rep' });
    expect(r.summary.ops).toBe(1 + 2 * 19999);
    expect(r.summary.ops).toBeLessThanOrEqual(maxOpsFor(rep.length));
    const mt = `= Start\n${'+ (nil) 0\n'.repeat(5000)}`;
    expect(importText(mt, { fileName: 'm' }).summary.ops).toBe(10000);
  });

  it('reads as it goes once the format is known: a bad line past the window throws at once', () => {
    const im = new TraceImporter({ fileName: 'bad.ops', format: 'ops' });
    const reps = Math.ceil(DETECT_WINDOW_CHARS / 10) + 1; // 'a 1 8\nf 1\n' is 10 characters
    im.push('a 1 8\nf 1\n'.repeat(reps));
    expect(() => im.push('f 2\n')).toThrow(new RegExp(`^bad\\.ops:${2 * reps + 1}: expected 'f ID'`));
  });
});

describe('buildSource with an imported buffer', () => {
  const spec = [parseAllocatorSpec('nta'), parseAllocatorSpec('pow2')];
  const run = (config: ConstructorParameters<typeof Engine>[0]) => {
    const e = new Engine(config, { checkpoints: false });
    e.run(1e6);
    return { cursor: e.cursor, counters: e.allocators.map((a) => a.counters()) };
  };

  it('replays the buffer the CLI filled as it replays the text, and --ops cuts it', () => {
    const text = read('kmem-6.x.ftrace.txt');
    const base = { workload: 'trace', params: {}, seed: 1, cpus: 4, allocators: spec };
    const fromText = run({ ...base, ops: 0, opsText: { fileName: 'k', text } });
    const imported = importText(text, { fileName: 'k' });
    const fromBuffer = run({ ...base, ops: 0, imported: { fileName: 'k', ops: imported.ops } });
    expect(fromBuffer).toEqual(fromText);
    expect(fromText.cursor).toBe(imported.summary.ops);
    const cut = run({ ...base, ops: 5, imported: { fileName: 'k', ops: importText(text, { fileName: 'k' }).ops } });
    expect(cut.cursor).toBe(5);
  });

  it('refuses a trace on more CPUs than the run has', () => {
    const text = read('kmem-6.x.ftrace.txt');
    expect(
      () =>
        new Engine({
          workload: 'trace',
          params: {},
          seed: 1,
          cpus: 2,
          ops: 0,
          allocators: spec,
          opsText: { fileName: 'k', text },
        }),
    ).toThrow(/^k:\d+: event on CPU 2, but there are 2 CPUs: the trace uses CPUs 0 to 3, run with --cpus 4/);
  });
});
