/**
 * The files a run writes (--oplog, --png), opened before the run and made visible
 * only when it succeeds.
 *
 * Opening checks the path at once (a usage error naming the flag and the path,
 * before a long run), and creates a temporary file (or, for PNGs, a staging
 * directory) in the same directory, so the final rename cannot cross file
 * systems. A failed run removes them: it leaves no partial log and no PNGs of a
 * run that did not finish. Special files (/dev/stdout, a terminal, a FIFO) cannot
 * be renamed onto and are written directly.
 *
 * The op log is streamed: lines are buffered up to FLUSH_CHARS and written, so a
 * run of millions of ops needs no more memory for its log than a short one.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './args';

/** The reader of a pipe we write to went away (`... | head`): the run stops quietly. */
export class ClosedPipe extends Error {}

/** Characters of op-log lines held before one write: large enough to make writes cheap, small next to memory. */
export const FLUSH_CHARS = 256 * 1024;

/**
 * True for a path written in place: under /dev or /proc (/dev/stdout names the
 * caller's stdout, even when that is redirected to a regular file), or an existing
 * path that is neither a regular file nor a directory (a device, FIFO or socket).
 */
function isSpecial(path: string): boolean {
  if (/^\/(dev|proc)\//.test(path)) return true;
  try {
    const st = statSync(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

/**
 * Our own stdout and stderr. Redirected to a regular file, they are written through
 * the descriptors the process already has, so the op log and the results share one
 * file offset instead of overwriting each other. A pipe or a terminal is opened
 * anew (Node keeps its own descriptor of a pipe non-blocking: a write would fail
 * with EAGAIN whenever the reader is slower).
 */
const STD_FDS: Readonly<Record<string, number>> = {
  '/dev/stdout': 1,
  '/dev/fd/1': 1,
  '/proc/self/fd/1': 1,
  '/dev/stderr': 2,
  '/dev/fd/2': 2,
  '/proc/self/fd/2': 2,
};

const reason = (e: unknown): string => (e as Error).message.replace(/, open '.*'$|, mkdtemp '.*'$/, '');

/** A file written line by line, renamed into place by commit(); abort() leaves nothing. */
export class StreamedFile {
  private readonly parts: string[] = [];
  private chars = 0;
  private fd: number;
  private open = true;

  private constructor(
    readonly flag: string,
    readonly path: string,
    /** The temporary file renamed to `target` by commit(); null when writing a special file directly. */
    private readonly temp: string | null,
    private readonly target: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Check `path` for `flag` and open it (a temporary file beside it, or the special file itself). */
  static open(flag: string, path: string): StreamedFile {
    const bad = (why: string): never => {
      throw new UsageError(`${flag} ${path}: ${why}`);
    };
    const std = Object.hasOwn(STD_FDS, path) ? STD_FDS[path] : undefined;
    if (std !== undefined && fstatSync(std).isFile()) return new StreamedFile(flag, path, null, path, std);
    if (isSpecial(path)) {
      try {
        return new StreamedFile(flag, path, null, path, openSync(path, 'w'));
      } catch (e) {
        return bad(`cannot open it for writing (${reason(e)})`);
      }
    }
    if (existsSync(path) && statSync(path).isDirectory()) bad('is a directory; expected a file');
    // A symbolic link to a file: replace the file it names, not the link.
    const target = existsSync(path) && lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
    const dir = dirname(target);
    if (!existsSync(dir)) bad(`directory ${dir} does not exist`);
    const temp = join(dir, `.${basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
    try {
      return new StreamedFile(flag, path, temp, target, openSync(temp, 'wx'));
    } catch (e) {
      return bad(`cannot create a file in ${dir} (${reason(e)})`);
    }
  }

  /** Add one line (without its newline). */
  write(line: string): void {
    this.parts.push(line, '\n');
    this.chars += line.length + 1;
    if (this.chars >= FLUSH_CHARS) this.flush();
  }

  /** Characters held in memory, not yet written (at most about FLUSH_CHARS). */
  get buffered(): number {
    return this.chars;
  }

  private flush(): void {
    if (this.chars === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts.length = 0;
    this.chars = 0;
    this.writeAll(buf);
  }

  /** Add bytes as they are (a binary file: --animate's GIF), after the lines before them. */
  writeBytes(bytes: Uint8Array): void {
    this.flush();
    this.writeAll(bytes);
  }

  private writeAll(buf: Uint8Array): void {
    try {
      for (let off = 0; off < buf.length;) off += writeSync(this.fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') throw new ClosedPipe(`${this.flag} ${this.path}: pipe closed`);
      throw new Error(`${this.flag} ${this.path}: cannot write (${reason(e)})`);
    }
  }

  /** Write what is left and close; nothing is renamed yet. */
  finish(): void {
    this.flush();
    this.close();
  }

  /** Move the finished file into place. */
  commit(): void {
    if (this.temp === null) return;
    try {
      renameSync(this.temp, this.target);
    } catch (e) {
      throw new Error(`${this.flag} ${this.path}: cannot move the finished file into place (${reason(e)})`);
    }
  }

  /** Close and remove the temporary file (a special file is only closed). */
  abort(): void {
    this.close();
    if (this.temp !== null) rmSync(this.temp, { force: true });
  }

  private close(): void {
    if (!this.open) return;
    this.open = false;
    if (this.fd > 2) closeSync(this.fd); // stdout and stderr stay open for what follows
  }
}

/** PNGs written into a staging directory, moved into DIR by commit(); abort() leaves nothing. */
export class StagedDir {
  private readonly names: string[] = [];

  private constructor(
    readonly flag: string,
    readonly dir: string,
    private readonly staging: string,
  ) {}

  /**
   * Check `dir` for `flag`: an existing directory, or a path whose nearest existing
   * ancestor is a directory (DIR is created at commit). The staging directory goes
   * into that nearest existing directory, on the same file system as DIR.
   */
  static open(flag: string, dir: string): StagedDir {
    let base = dir;
    while (!existsSync(base) && dirname(base) !== base) base = dirname(base);
    if (!statSync(base).isDirectory())
      throw new UsageError(`${flag} ${dir}: ${base === dir ? '' : `${base} `}is not a directory`);
    try {
      return new StagedDir(flag, dir, mkdtempSync(join(base, '.fragscope-staging-')));
    } catch (e) {
      throw new UsageError(`${flag} ${dir}: cannot create files in ${base} (${reason(e)})`);
    }
  }

  /** Write one file (`name` without directories) into the staging directory. */
  write(name: string, bytes: Uint8Array): void {
    const fd = openSync(join(this.staging, name), 'wx');
    try {
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
    } finally {
      closeSync(fd);
    }
    this.names.push(name);
  }

  /** Move every staged file into DIR (created if need be); returns their final paths. */
  commit(): string[] {
    try {
      mkdirSync(this.dir, { recursive: true });
      const out = this.names.map((n) => {
        renameSync(join(this.staging, n), join(this.dir, n));
        return join(this.dir, n);
      });
      rmSync(this.staging, { recursive: true, force: true });
      return out;
    } catch (e) {
      throw new Error(`${this.flag} ${this.dir}: cannot move the PNGs into place (${reason(e)})`);
    }
  }

  abort(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}
