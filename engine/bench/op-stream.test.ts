import { describe, expect, it } from 'vitest';
import { createAllocator } from '../allocators/registry';
import { referenceRun } from './check';
import { BENCH_NTA, OP_ALLOC, OP_FREE, recordChurn, replay, type OpStream } from './op-stream';

/** Replay a stream on a fresh allocator as the bench's timed loop does (stream k on CPU k). */
function replayOn(streams: OpStream[], kind: 'nta' | 'pow2') {
  const a = createAllocator(kind === 'nta' ? BENCH_NTA : { kind: 'pow2' }, streams.length);
  return streams.map((s, k) =>
    replay(
      s,
      new Float64Array(s.ids).fill(-1),
      0,
      s.length,
      (c, b) => a.alloc(streams.length > 1 ? k : c, b),
      (c, p, b) => a.free(streams.length > 1 ? k : c, p, b),
    ),
  );
}

describe('recordChurn', () => {
  const [s] = recordChurn(20000, 1);

  it('records every free with the requested bytes of the alloc with that id', () => {
    const allocBytes = new Map<number, number>();
    let frees = 0;
    for (let i = 0; i < s.length; i++) {
      if (s.kind[i] === OP_ALLOC) allocBytes.set(s.id[i], s.bytes[i]);
      else {
        expect(s.kind[i]).toBe(OP_FREE);
        expect(s.bytes[i], `free at op ${i}`).toBe(allocBytes.get(s.id[i]));
        frees++;
      }
    }
    // Churn frees about as often as it allocates around its target: frees are really there.
    expect(frees).toBeGreaterThan(5000);
    expect(s.length).toBe(20000);
  });

  it('replays inline on NTA and on pow2 with 0 rejected frees and the inline runner failures', () => {
    for (const kind of ['nta', 'pow2'] as const) {
      const [got] = replayOn([s], kind);
      expect(got.errors, kind).toBe(0);
      const [ref] = referenceRun(kind === 'nta' ? BENCH_NTA : { kind: 'pow2' }, [s]);
      expect(ref.errors, kind).toBe(0);
      expect(got.failed, kind).toBe(ref.failed);
      expect(got.ops, kind).toBe(ref.ops);
    }
  });

  it('records one stream per CPU on a split pool, each on its own CPU, replayed without errors', () => {
    const two = recordChurn(5000, 1, 2);
    expect(two.map((x) => x.length)).toEqual([5000, 5000]);
    two.forEach((x, k) => expect(x.cpu.slice(0, x.length).every((c) => c === k)).toBe(true));
    for (const got of replayOn(two, 'nta')) expect(got.errors).toBe(0);
  });
});
