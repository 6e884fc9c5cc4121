/**
 * The native glibc malloc row: replay-malloc.c is built with `cc -O2` into a temporary
 * directory and fed the bench's op stream as a binary file. It times only its replay loop
 * and frees with the pointer of the alloc with that id, so it replays exactly the stream
 * the models replay. Without a C compiler the row is skipped with a note.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpStream, ReplayCounts } from './op-stream';

const SOURCE = fileURLToPath(new URL('./replay-malloc.c', import.meta.url));

/** One timed native run: its counts and the replay loop's time. */
export interface NativeRun extends ReplayCounts {
  ns: number;
}

/** The file replay-malloc.c reads: int32 ops, ids, then (kind, id, bytes) per op, little-endian. */
export function encodeStream(s: OpStream): Buffer {
  const buf = Buffer.alloc(8 + 12 * s.length);
  buf.writeInt32LE(s.length, 0);
  buf.writeInt32LE(s.ids, 4);
  for (let i = 0; i < s.length; i++) {
    const at = 8 + 12 * i;
    buf.writeInt32LE(s.kind[i], at);
    buf.writeInt32LE(s.id[i], at + 4);
    buf.writeInt32LE(s.bytes[i], at + 8);
  }
  return buf;
}

/** Whether `cc` runs here. */
export function haveCc(): boolean {
  const r = spawnSync('cc', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** Parse replay-malloc's lines `ops N failed N errors N ns N`. */
export function parseNativeOutput(text: string): NativeRun[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, k) => {
      const m = /^ops (\d+) failed (\d+) errors (\d+) ns (\d+)$/.exec(line.trim());
      if (!m)
        throw new Error(`replay-malloc output line ${k + 1}: expected 'ops N failed N errors N ns N', got '${line}'`);
      return { ops: Number(m[1]), failed: Number(m[2]), errors: Number(m[3]), ns: Number(m[4]) };
    });
}

/**
 * Build the replayer and run the stream's first `upto` ops, for each entry of `uptos`, in
 * runs + 1 runs: run 0 is the warm-up (checked, not timed), runs 1..runs are timed. Null when
 * there is no `cc`. The temporary directory is removed whatever happens.
 */
export function runNative(s: OpStream, runs: number, uptos: number[]): NativeRun[][] | null {
  if (!haveCc()) return null;
  const dir = mkdtempSync(join(tmpdir(), 'fragscope-bench-'));
  try {
    const exe = join(dir, 'replay-malloc');
    const file = join(dir, 'stream.bin');
    execFileSync('cc', ['-O2', '-o', exe, SOURCE], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(file, encodeStream(s));
    return uptos.map((upto) => {
      const out = execFileSync(exe, [file, String(runs), String(Math.min(upto, s.length))], { encoding: 'utf8' });
      return parseNativeOutput(out);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
