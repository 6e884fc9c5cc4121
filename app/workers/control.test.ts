/**
 * The comlink control API over a real MessageChannel (worker_threads ports and
 * comlink's node adapter): a Controller with Node CPU workers on one end, `wrap`
 * on the other, compared with fresh inline runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { expose, proxy, wrap, type Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Controller } from '../../engine/runtime/controller';
import { nodeSpawn } from '../../engine/runtime/node/spawn';
import type { AllocatorInfo, ControlApi, RunConfig, RunInfo, Summary } from '../../engine/runtime/api';
import { createAllocator } from '../../engine/allocators/registry';
import { publishedViews, readPublished } from '../../engine/runtime/published';

const ports: MessagePort[] = [];
function connect(c: Controller): Remote<ControlApi> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  expose(c, nodeEndpoint(port1));
  return wrap<ControlApi>(nodeEndpoint(port2));
}
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

const base: Omit<RunConfig, 'workload'> = {
  params: {},
  allocators: [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }],
  cpus: 2,
  schedule: 'lockstep',
  seed: 7,
  ops: 0,
};

/** Every chunk state of an allocator, read through its shared buffers as a map worker attaches them. */
function statesOf(a: AllocatorInfo): Uint8Array {
  const out = new Uint8Array((a.pages * a.pageBytes) / a.chunkBytes);
  createAllocator(a.spec, a.cpus, a.buffers, false).snapshot(out);
  return out;
}
const published = (info: RunInfo) => readPublished(publishedViews(info.published));

/** Chunk states of every allocator after `op` ops of a fresh inline run. */
async function inlineAt(cfg: RunConfig, op: number): Promise<Uint8Array[]> {
  const c = new Controller(null);
  const info = await c.configure(cfg);
  await c.step(op);
  expect(published(info).op).toBe(op);
  const out = info.allocators.map(statesOf);
  await c.dispose();
  return out;
}

describe('ControlApi through comlink', () => {
  it('configures, steps, runs until a failure, seeks back and forth (workers == inline)', async () => {
    const api = connect(new Controller(nodeSpawn, { interval: 64 }));
    try {
      const example = await api.configure({ ...base, workload: 'seed-example' });
      expect(example.allocators.map((a) => a.name)).toEqual(['nta:blog', 'pow2']);
      let s = await api.step(3);
      expect(s.op).toBe(3);
      expect(s.lastOps.map((o) => [o.kind, o.bytes])).toEqual([
        ['alloc', 120],
        ['alloc', 200],
        ['alloc', 70],
      ]);
      // The block under an address, read from each lane's allocator: 120 B at the pool's start.
      const at0 = example.allocators[0].baseAddress;
      expect(await api.blockAt(0, at0 + 100)).toEqual({
        kind: 'allocation',
        start: at0,
        bytes: 128,
        requested: 120,
        owner: 0,
      });
      const second = s.lastOps[1].outcomes[1]; // pow2's address for the 200-byte allocation
      expect(await api.blockAt(1, second + 255)).toEqual({
        kind: 'allocation',
        start: second,
        bytes: 256,
        requested: 200,
        owner: 0,
      });
      expect(await api.blockAt(0, at0 - 1)).toBeNull();
      expect(await api.blockAt(5, at0)).toBeNull();
      s = await api.runUntil({ kind: 'end' });
      expect(s.done).toBe(true);
      expect(s.allocators[0].metrics.requestedBytes).toBe(0);

      // A small NTA pool so the seed's fragmentation test fails quickly.
      const cfg: RunConfig = {
        ...base,
        workload: 'seed-fragmentation',
        allocators: [{ kind: 'nta', preset: 'blog', overrides: { regions: 16 } }],
        ops: 4000,
      };
      const info = await api.configure(cfg);
      const seen: Summary[] = [];
      await api.subscribe(
        proxy((x: Summary) => {
          seen.push(x);
        }),
      );
      s = await api.runUntil({ kind: 'failure' });
      const f = s.allocators[0].failures;
      expect(f.length).toBe(1);
      expect(s.op).toBe(f[0].op + 1);
      const last = s.lastOps[s.lastOps.length - 1];
      expect(last.reasons[0]).toMatch(
        /^no space: .*; the largest free block CPU \d had was \d+ B, \d+ B were requested$/,
      );
      const failOp = s.op;

      // The states are read where the workers wrote them, through the buffers RunInfo shares.
      await api.step(500);
      const later = (await api.summary()).op;
      expect(published(info)).toMatchObject({ op: later, playing: false });
      expect(info.allocators.map(statesOf)).toEqual(await inlineAt(cfg, later));

      const g = published(info).generation;
      s = await api.seek(10);
      expect(s.op).toBe(10);
      expect(published(info)).toMatchObject({ op: 10, generation: s.generation });
      expect(s.generation).toBeGreaterThan(g);
      expect(info.allocators.map(statesOf)).toEqual(await inlineAt(cfg, 10));
      s = await api.seek(failOp);
      expect(s.allocators[0].failures.length).toBe(1);
      expect(info.allocators.map(statesOf)).toEqual(await inlineAt(cfg, failOp));
      expect(seen.length).toBeGreaterThan(0);
    } finally {
      await api.dispose();
    }
  });

  it('play and pause', async () => {
    const api = connect(new Controller(nodeSpawn));
    try {
      const info = await api.configure({ ...base, workload: 'churn', ops: 1_000_000 });
      const playing = api.play(Infinity);
      await new Promise((r) => setTimeout(r, 200));
      // While it plays the header says so (map workers then redraw every frame).
      expect(published(info).playing).toBe(true);
      const s = await api.pause();
      await playing;
      expect(published(info)).toMatchObject({ op: s.op, playing: false, generation: s.generation });
      expect(s.playing).toBe(false);
      expect(s.op).toBeGreaterThan(0);
      expect(s.done).toBe(false);
      expect((await api.step(1)).op).toBe(s.op + 1);
    } finally {
      await api.dispose();
    }
  });
});
