import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { FLUSH_CHARS, StagedDir, StreamedFile } from './outputs';
import { tempDirs } from './test-tmp';

const tmp = tempDirs('fragscope-outputs-test-');
afterEach(() => tmp.cleanup());
afterAll(() => expect(tmp.leaked()).toEqual([]));

/** The UsageError `f` throws (fails the test otherwise). */
function usageError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('StreamedFile', () => {
  it('writes as it goes: at most FLUSH_CHARS held, the rest already in the temporary file', () => {
    const dir = tmp.make();
    const f = StreamedFile.open('--oplog', join(dir, 'o.log'));
    const line = 'nta 123456 cpu 0 alloc 61728 2048 -> page 1234 chunk 56';
    const lines = Math.ceil((4 * FLUSH_CHARS) / line.length);
    for (let i = 0; i < lines; i++) {
      f.write(line);
      expect(f.buffered).toBeLessThan(FLUSH_CHARS);
    }
    const [temp] = readdirSync(dir);
    expect(temp).toMatch(/^\.o\.log\..*\.tmp$/);
    expect(statSync(join(dir, temp)).size).toBeGreaterThan(3 * FLUSH_CHARS);
    f.finish();
    f.commit();
    expect(readdirSync(dir)).toEqual(['o.log']);
    expect(readFileSync(join(dir, 'o.log'), 'utf8')).toBe(`${line}\n`.repeat(lines));
  });

  it('abort leaves nothing, and an existing file as it was', () => {
    const dir = tmp.make();
    writeFileSync(join(dir, 'o.log'), 'old\n');
    const f = StreamedFile.open('--oplog', join(dir, 'o.log'));
    for (let i = 0; i < 10000; i++) f.write('x'.repeat(100));
    f.abort();
    expect(readdirSync(dir)).toEqual(['o.log']);
    expect(readFileSync(join(dir, 'o.log'), 'utf8')).toBe('old\n');
  });

  it('refuses a path in a missing directory, or a directory, naming the flag and the path', () => {
    const dir = tmp.make();
    expect(usageError(() => StreamedFile.open('--oplog', join(dir, 'no/x.log')))).toBe(
      `--oplog ${dir}/no/x.log: directory ${dir}/no does not exist`,
    );
    expect(usageError(() => StreamedFile.open('--oplog', dir))).toBe(`--oplog ${dir}: is a directory; expected a file`);
  });

  it('writes a special file directly', () => {
    const f = StreamedFile.open('--oplog', '/dev/null');
    f.write('x');
    f.finish();
    f.commit();
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('names the flag and the path when a write fails', () => {
    const f = StreamedFile.open('--oplog', '/dev/full');
    f.write('x');
    expect(() => f.finish()).toThrow(/^--oplog \/dev\/full: cannot write \(ENOSPC/);
    f.abort();
  });
});

describe('StagedDir', () => {
  it('stages files out of sight and moves them into DIR (made at commit) only then', () => {
    const parent = tmp.make();
    const target = join(parent, 'a', 'b');
    const s = StagedDir.open('--png', target);
    s.write('x.png', new Uint8Array([1, 2, 3]));
    expect(readdirSync(parent)).toEqual([expect.stringMatching(/^\.fragscope-staging-/)]);
    expect(s.commit()).toEqual([join(target, 'x.png')]);
    expect(readdirSync(parent)).toEqual(['a']);
    expect([...readFileSync(join(target, 'x.png'))]).toEqual([1, 2, 3]);
  });

  it('stages inside an existing DIR, and abort leaves DIR as it was', () => {
    const dir = tmp.make();
    writeFileSync(join(dir, 'keep.txt'), '');
    const s = StagedDir.open('--png', dir);
    s.write('x.png', new Uint8Array([1]));
    s.abort();
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('refuses a file, or a path under a file, as DIR', () => {
    const dir = tmp.make();
    writeFileSync(join(dir, 'f'), '');
    expect(usageError(() => StagedDir.open('--png', join(dir, 'f')))).toBe(`--png ${dir}/f: is not a directory`);
    expect(usageError(() => StagedDir.open('--png', join(dir, 'f', 'png')))).toBe(
      `--png ${dir}/f/png: ${dir}/f is not a directory`,
    );
    expect(usageError(() => StagedDir.open('--png', '/dev/null'))).toBe('--png /dev/null: is not a directory');
  });
});
