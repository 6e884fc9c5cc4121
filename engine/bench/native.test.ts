import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { encodeStream, haveCc, parseNativeOutput, runNative } from './native';
import { OP_FREE, recordChurn } from './op-stream';

const ours = () => new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('fragscope-bench-')));

describe('the native glibc replayer', () => {
  const [s] = recordChurn(3000, 5);

  it('encodes the stream as a header and (kind, id, bytes) per op', () => {
    const b = encodeStream(s);
    expect(b.length).toBe(8 + 12 * s.length);
    expect([b.readInt32LE(0), b.readInt32LE(4)]).toEqual([s.length, s.ids]);
    const last = 8 + 12 * (s.length - 1);
    expect([b.readInt32LE(last), b.readInt32LE(last + 4), b.readInt32LE(last + 8)]).toEqual([
      s.kind[s.length - 1],
      s.id[s.length - 1],
      s.bytes[s.length - 1],
    ]);
  });

  it('skips the row (null) when no cc is on the PATH', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(haveCc()).toBe(false);
      expect(runNative(s, 1, [s.length])).toBeNull();
    } finally {
      process.env.PATH = path;
    }
  });

  it('rejects output lines it does not know, naming the line', () => {
    expect(() => parseNativeOutput('ops 1 failed 0 errors 0 ns 5\nhello\n')).toThrow(/line 2: expected/);
  });

  it.skipIf(!haveCc())(
    'replays the whole stream and a prefix with 0 failures and 0 errors, then removes its files',
    () => {
      const before = ours();
      const out = runNative(s, 2, [s.length, 1000]);
      // The warm-up run and the two timed runs.
      const whole = { ops: s.length, failed: 0, errors: 0 };
      const first = { ops: 1000, failed: 0, errors: 0 };
      expect(out?.map((runs) => runs.map(({ ops, failed, errors }) => ({ ops, failed, errors })))).toEqual([
        [whole, whole, whole],
        [first, first, first],
      ]);
      expect([...ours()].filter((n) => !before.has(n))).toEqual([]);
    },
  );

  it.skipIf(!haveCc())('counts a free whose bytes differ from its alloc as an error', () => {
    const bad = { ...s, bytes: s.bytes.slice() };
    bad.bytes[bad.kind.indexOf(OP_FREE)] += 1;
    const out = runNative(bad, 1, [bad.length]);
    expect(out?.[0]?.map((r) => r.errors)).toEqual([1, 1]);
  });
});
