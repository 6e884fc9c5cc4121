/**
 * The seed's worked example (2 Aug 2006), replayed through the model with the
 * debug log on: alloc 120, 200, 70; free 120, 70, 200, on one page of the blog
 * preset. Returns the log lines in the seed's format (see log.ts).
 */
import { createSeedExample } from '../../workloads/generators';
import { errorText } from '../../core/types';
import { NtaAllocator } from './nta';
import { NtaLog } from './log';

export function seedExampleLog(): string[] {
  const a = new NtaAllocator({ preset: 'blog' });
  const log = new NtaLog();
  a.log = log;
  log.header(a);
  const w = createSeedExample({ seed: 1 });
  const addr: number[] = [],
    size: number[] = [];
  for (let op = w.next(); op; op = w.next()) {
    if (op.kind === 'alloc') {
      const p = a.alloc(op.cpu, op.bytes);
      if (p < 0) throw new Error(`seed example: alloc ${op.bytes} failed: ${errorText(p)}`);
      addr[op.id] = p;
      size[op.id] = op.bytes;
      log.emit(`main: allocated ptr: 0x${p.toString(16)}, size: ${op.bytes}.`);
      w.result(op, p);
    } else {
      const r = a.free(op.cpu, addr[op.id], size[op.id]);
      if (r < 0) throw new Error(`seed example: free failed: ${errorText(r)}`);
      log.emit(`main: freed ptr: 0x${addr[op.id].toString(16)}.`);
      w.result(op, r);
    }
    log.emit('');
  }
  log.emit('Completed.');
  return log.lines;
}
