/**
 * The seed's worked example (2 Aug 2006), replayed through the model with the
 * debug log on, on the blog preset: `ops` are the seed-example workload's ops (alloc
 * 120, 200, 70; free 120, 70, 200; the caller gives them, as allocators sit below the
 * workloads). Returns the log lines in the seed's format (see log.ts).
 */
import { errorText } from '../../core/types';
import { K_ALLOC, type OpBuffer } from '../../core/op-buffer';
import { NtaAllocator } from './nta';
import { NtaLog } from './log';

export function seedExampleLog(ops: OpBuffer): string[] {
  const a = new NtaAllocator({ preset: 'blog' });
  const log = new NtaLog();
  a.log = log;
  log.header(a);
  const addr: number[] = [],
    size: number[] = [];
  for (let i = 0; i < ops.produced; i++) {
    const [kind, cpu, slot, bytes] = [ops.kind[i], ops.cpu[i], ops.slot[i], ops.size[i]];
    if (kind === K_ALLOC) {
      const p = a.alloc(cpu, bytes);
      if (p < 0) throw new Error(`seed example: alloc ${bytes} failed: ${errorText(p)}`);
      addr[slot] = p;
      size[slot] = bytes;
      log.emit(`main: allocated ptr: 0x${p.toString(16)}, size: ${bytes}.`);
    } else {
      const r = a.free(cpu, addr[slot], size[slot]);
      if (r < 0) throw new Error(`seed example: free failed: ${errorText(r)}`);
      log.emit(`main: freed ptr: 0x${addr[slot].toString(16)}.`);
    }
    log.emit('');
  }
  log.emit('Completed.');
  return log.lines;
}
