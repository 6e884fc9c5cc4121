/**
 * Temporary directories for tests (used by *.test.ts only): each test's are removed
 * after it, and `leaked()` lists any directory with the suite's prefix still in the
 * system temp dir, so a suite can fail when something was left behind.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDirs(prefix: string) {
  const made: string[] = [];
  /** Entries with the prefix before the suite began (left by an older, interrupted run): not ours. */
  const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith(prefix)));
  return {
    /** A new empty directory, removed by `cleanup()`. */
    make(): string {
      const d = mkdtempSync(join(tmpdir(), prefix));
      made.push(d);
      return d;
    },
    cleanup(): void {
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    },
    /** Entries with the prefix in the temp dir that this suite made and did not remove. */
    leaked(): string[] {
      return readdirSync(tmpdir()).filter((n) => n.startsWith(prefix) && !before.has(n));
    },
  };
}
