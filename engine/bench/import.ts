/**
 * The import benchmark (a script, not a test): writes a synthetic ftrace kmem trace of
 * N events (default 10 million, about 1 GB) into a temporary directory, then in child
 * processes (so each peak RSS is its own):
 *   1. imports it (engine/import, streamed from disk): lines/s, peak RSS against the
 *      target of 2x the packed op buffer + 200 MB;
 *   2. imports and replays it inline, and on CPU workers (lockstep and free-running):
 *      replay time and peak RSS, workers against inline (target: no slower, <= 1.2x memory).
 * The directory is removed at the end (--keep keeps it).
 *
 *   npm run -s bench:import [-- --events N] [-- --json] [-- --keep]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllocatorSpec } from '../allocators/registry';
import { importTraceFile } from '../runtime/node/trace-file';
import { runHeadless } from '../runtime/run-headless';

const CPUS = 4;
/** Live objects the synthetic kernel keeps at most (frees come once it is reached). */
const LIVE = 8192;
const SITES = [
  '__alloc_skb+0x7c/0x1f0',
  '__alloc_skb+0x4b/0x1f0',
  'getname_flags+0x4f/0x1e0',
  'prepare_creds+0x26/0x100',
  'security_prepare_creds+0x77/0xa0',
  'alloc_vmap_area+0x89/0x880',
  'load_elf_binary+0x1f3/0x1640',
  'seq_read_iter+0x2c1/0x4a0',
];
const SIZES = [8, 16, 24, 32, 40, 64, 96, 128, 192, 232, 256, 320, 512, 1024, 1500, 2048, 4096];

/** xorshift32: the same file every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Write `events` ftrace kmem lines (about half allocations, half frees) to `path`. */
export function writeSyntheticTrace(path: string, events: number): void {
  const fd = openSync(path, 'w');
  const r = rng(7);
  const live: number[] = [];
  const liveCpu: number[] = [];
  let next = 0x4a000;
  let buf: string[] = [];
  let chars = 0;
  writeSync(fd, `# tracer: nop\n#\n# entries-in-buffer/entries-written: ${events}/${events}   #P:${CPUS}\n#\n`);
  for (let i = 0; i < events; i++) {
    const cpu = Math.floor(r() * CPUS);
    const ts = (1000 + i / 1e5).toFixed(6);
    let line: string;
    if (live.length > 0 && (live.length >= LIVE || r() < 0.45)) {
      const k = Math.floor(r() * live.length);
      const p = live[k];
      live[k] = live[live.length - 1];
      liveCpu[k] = liveCpu[liveCpu.length - 1];
      live.pop();
      liveCpu.pop();
      line = `  bash-2101 [00${cpu}] .... ${ts}: kfree: call_site=kfree_skbmem+0x5e/0x80 ptr=ffff8881${p.toString(16).padStart(8, '0')}\n`;
    } else {
      const bytes = SIZES[Math.floor(r() * SIZES.length)];
      const site = SITES[Math.floor(r() * SITES.length)];
      const p = next;
      next += 0x40;
      live.push(p);
      liveCpu.push(cpu);
      line = `  bash-2101 [00${cpu}] .... ${ts}: kmalloc: call_site=${site} ptr=ffff8881${p.toString(16).padStart(8, '0')} bytes_req=${bytes} bytes_alloc=${bytes} gfp_flags=GFP_KERNEL\n`;
    }
    buf.push(line);
    chars += line.length;
    if (chars > 1 << 23) {
      writeSync(fd, buf.join(''));
      buf = [];
      chars = 0;
    }
  }
  writeSync(fd, buf.join(''));
  closeSync(fd);
}

const mb = (b: number): number => Math.round(b / 1024 / 1024);

/** Child: import FILE (and replay it with `threads`/`schedule`), print one JSON line. */
async function child(path: string, mode: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await importTraceFile(path);
  const importMs = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  const afterImport = process.resourceUsage().maxRSS * 1024;
  let replayMs = 0;
  if (mode !== 'import') {
    const [threads, schedule] = mode.split('-') as ['inline' | 'workers', 'lockstep' | 'free'];
    const res = await runHeadless({
      allocators: [parseAllocatorSpec('nta'), parseAllocatorSpec('pow2')],
      workload: 'trace',
      params: {},
      imported: { fileName: path, ops: r.ops },
      seed: 1,
      cpus: r.summary.cpus,
      ops: 0,
      threads,
      schedule,
      timeoutMs: 600_000,
    });
    replayMs = res.elapsedMs;
  }
  const out = {
    mode,
    lines: r.summary.lines,
    ops: r.summary.ops,
    importMs: Math.round(importMs),
    // CPU time of the import (the machine may be shared: wall time then says little).
    importCpuMs: Math.round((c1.user + c1.system) / 1000),
    linesPerSec: Math.round(r.summary.lines / (importMs / 1000)),
    opBufferBytes: r.summary.opBufferBytes,
    rssAfterImport: afterImport,
    replayMs: Math.round(replayMs),
    peakRss: process.resourceUsage().maxRSS * 1024,
  };
  console.log(JSON.stringify(out));
}

type ChildResult = {
  mode: string;
  lines: number;
  ops: number;
  importMs: number;
  importCpuMs: number;
  linesPerSec: number;
  opBufferBytes: number;
  rssAfterImport: number;
  replayMs: number;
  peakRss: number;
};

function runChild(path: string, mode: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', path, mode], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`bench child ${mode} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') return child(argv[1], argv[2]);
  const opt = (name: string, d: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  const events = opt('--events', 10_000_000);
  const json = argv.includes('--json');
  const dir = mkdtempSync(join(tmpdir(), 'fragscope-bench-import-'));
  try {
    const path = join(dir, 'kmem.ftrace.txt');
    const t0 = performance.now();
    writeSyntheticTrace(path, events);
    const size = statSync(path).size;
    if (!json)
      console.error(`wrote ${path}: ${events} events, ${mb(size)} MiB in ${Math.round(performance.now() - t0)} ms`);
    const results = ['import', 'inline-lockstep', 'workers-lockstep', 'workers-free'].map((m) => {
      const r = runChild(path, m);
      if (!json) console.error(`${m}: done`);
      return r;
    });
    const imp = results[0];
    const target = 2 * imp.opBufferBytes + 200 * 1024 * 1024;
    if (json) {
      console.log(JSON.stringify({ events, fileBytes: size, results, rssTarget: target }));
      return;
    }
    console.log(`synthetic ftrace trace: ${events.toLocaleString('en')} events, ${mb(size)} MiB, ${CPUS} CPUs`);
    console.log(
      `import: ${imp.lines.toLocaleString('en')} lines in ${imp.importMs} ms = ${(imp.linesPerSec / 1e6).toFixed(2)} M lines/s (target >= 1 M/s); CPU ${imp.importCpuMs} ms = ${(imp.lines / imp.importCpuMs / 1000).toFixed(2)} M lines per CPU-second`,
    );
    console.log(
      `  op buffer ${mb(imp.opBufferBytes)} MiB for ${imp.ops.toLocaleString('en')} ops; peak RSS ${mb(imp.peakRss)} MiB (target <= 2 x buffer + 200 MiB = ${mb(target)} MiB)`,
    );
    const inline = results[1];
    for (const r of results.slice(1)) {
      console.log(
        `${r.mode.padEnd(17)} import ${r.importMs} ms, replay ${String(r.replayMs).padStart(7)} ms (${(r.replayMs / inline.replayMs).toFixed(2)}x inline), peak RSS ${mb(r.peakRss)} MiB (${(r.peakRss / inline.peakRss).toFixed(2)}x inline)`,
      );
    }
  } finally {
    if (argv.includes('--keep')) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

void main(process.argv.slice(2)).catch((e: unknown) => {
  console.error((e as Error).stack ?? String(e));
  process.exitCode = 1;
});
