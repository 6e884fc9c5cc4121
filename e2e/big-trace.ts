/**
 * A synthetic ftrace kmem trace for the import tests, written to a temporary file (never
 * committed), with its counts computed here, apart from the importer: 4 CPUs, 5 call sites,
 * allocations freed FIFO on the next CPU (cross-CPU frees), a NULL free every 1000 events.
 */
import { createWriteStream } from 'node:fs';

export interface BigTrace {
  bytes: number;
  lines: number;
  allocations: number;
  frees: number;
  nullFrees: number;
  cpus: number;
  sites: string[];
  largest: number;
}

const SITES = [
  '__alloc_skb+0x7c/0x1f0',
  'kmalloc_reserve+0x2f/0x90',
  'sock_alloc_inode+0x1a/0x80',
  'c104dd2f',
  'load_elf_binary+0x2b1/0x1190',
];
const CPUS = 4;
const LIVE = 200;

const pow2 = (b: number): number => 2 ** Math.max(3, Math.ceil(Math.log2(b)));
const ptr = (i: number): string => `ffff8881${(i * 64).toString(16).padStart(8, '0')}`;
const head = (cpu: number, t: number): string =>
  `     kworker/${cpu}:1-${90 + cpu}  [00${cpu}] d..1.  ${(t / 1e6).toFixed(6)}: `;

/** Write about `targetBytes` of trace to `path`; resolves with what it holds. */
export async function writeBigTrace(path: string, targetBytes: number): Promise<BigTrace> {
  const out = createWriteStream(path);
  const s: BigTrace = {
    bytes: 0,
    lines: 0,
    allocations: 0,
    frees: 0,
    nullFrees: 0,
    cpus: CPUS,
    sites: SITES,
    largest: 0,
  };
  const live: number[] = [];
  let batch: string[] = [];
  let t = 1_000_000;
  const emit = (line: string) => {
    batch.push(line);
    s.bytes += line.length + 1;
    s.lines++;
  };
  for (let i = 0; s.bytes < targetBytes; i++) {
    const cpu = i % CPUS;
    const req = 16 + ((i * 37) % 2000);
    s.largest = Math.max(s.largest, req);
    emit(
      `${head(cpu, t++)}kmalloc: call_site=${SITES[i % SITES.length]} ptr=${ptr(i)} bytes_req=${req} bytes_alloc=${pow2(req)} gfp_flags=GFP_KERNEL`,
    );
    s.allocations++;
    live.push(i);
    if (live.length > LIVE) {
      const j = live.shift() as number;
      emit(`${head((cpu + 1) % CPUS, t++)}kfree: call_site=kfree_skbmem+0x5e/0x80 ptr=${ptr(j)}`);
      s.frees++;
    }
    if (i % 1000 === 999) {
      emit(`${head(cpu, t++)}kfree: call_site=c104dd80 ptr=(null)`);
      s.nullFrees++;
    }
    if (batch.length >= 10000) {
      if (!out.write(batch.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      batch = [];
    }
  }
  out.end(batch.length ? batch.join('\n') + '\n' : '');
  await new Promise<void>((r) => out.once('finish', () => r()));
  return s;
}
