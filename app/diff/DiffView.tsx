/**
 * The diff view: two allocators at the current op, per address, where one has free memory and
 * the other does not (engine/render/diff.ts says how addresses, chunk sizes and "free" are
 * compared). The states are read through the allocators' shared buffers, attached here as a map
 * worker attaches them, whenever the run's op changes. Exported as a PNG with its caption.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { createAllocator } from '../../engine/allocators/registry';
import { computeDiff, DIFF_PALETTE, diffRgba, type DiffResult } from '../../engine/render/diff';
import { diffPng } from '../export/diff';
import { download, slug } from '../export/download';
import { pngBase } from '../export/names';
import { useStore } from '../store/store';

const css = ([r, g, b]: readonly number[]) => `rgb(${r},${g},${b})`;
const kib = (n: number) => `${(n / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB`;

export function DiffView() {
  const { info, runSetup, op, generation } = useStore(
    useShallow((s) => ({
      info: s.info,
      runSetup: s.runSetup,
      op: s.summary?.op ?? 0,
      generation: s.summary?.generation ?? 0,
    })),
  );
  const [open, setOpen] = useState(false);
  const [pick, setPick] = useState<[number, number]>([0, 1]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const attached = useMemo(
    () => info?.allocators.map((a) => ({ a, alloc: createAllocator(a.spec, a.cpus, a.buffers, false) })) ?? [],
    [info],
  );
  const n = attached.length;
  const ia = Math.min(pick[0], n - 1);
  const ib = Math.min(pick[1], n - 1);

  // `generation` is a dependency on purpose: the states change under the same op (a new run).
  const diff = useMemo((): DiffResult | string | null => {
    if (!open || n < 2 || generation < 0) return null;
    const side = (k: number) => {
      const { a, alloc } = attached[k];
      const states = new Uint8Array((a.pages * a.pageBytes) / a.chunkBytes);
      alloc.snapshot(states);
      return { ...a, states };
    };
    try {
      return computeDiff(side(ia), side(ib), op);
    } catch (e) {
      return (e as Error).message;
    }
  }, [open, n, attached, ia, ib, op, generation]);

  useEffect(() => {
    const cv = canvas.current;
    if (!cv || !diff || typeof diff === 'string') return;
    cv.width = diff.width;
    cv.height = diff.height;
    const image = new ImageData(diff.width, diff.height);
    diffRgba(diff, image.data);
    cv.getContext('2d')?.putImageData(image, 0, 0);
  }, [diff]);

  if (!info || !runSetup || n < 2) return null;
  if (!open)
    return (
      <button type="button" data-testid="diff-open" onClick={() => setOpen(true)}>
        Compare two maps…
      </button>
    );
  const label = (k: number) => attached[k].a.label;
  const choose = (which: 0 | 1) => (
    <select
      data-testid={which === 0 ? 'diff-a' : 'diff-b'}
      value={which === 0 ? ia : ib}
      onChange={(e) => setPick(which === 0 ? [Number(e.target.value), ib] : [ia, Number(e.target.value)])}
    >
      {attached.map((x, k) => (
        <option key={k} value={k}>
          {x.a.label}
        </option>
      ))}
    </select>
  );
  const ok = diff && typeof diff !== 'string' ? diff : null;
  async function onExport(): Promise<void> {
    if (!ok || !runSetup) return;
    download(`${pngBase(runSetup)}_diff_${slug(label(ia))}-vs-${slug(label(ib))}_op${op}.png`, await diffPng(ok));
  }
  const swatch = (c: number, text: string, bytes: number | undefined) => (
    <span style={{ marginRight: '1.2em' }}>
      <span style={{ display: 'inline-block', width: '0.9em', height: '0.9em', background: css(DIFF_PALETTE[c]) }} />{' '}
      {text}
      {bytes !== undefined ? `: ${kib(bytes)}` : ''}
    </span>
  );
  return (
    <section className="card diff" data-testid="diff-view" aria-label="compare two maps">
      <h3>
        Where one has free memory and the other not, at op {op}: {choose(0)} against {choose(1)}{' '}
        <button type="button" data-testid="diff-export" disabled={!ok} onClick={() => void onExport()}>
          Export PNG
        </button>{' '}
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </h3>
      <p className="muted">
        Compared on byte addresses over the range both pools cover, in cells of the finer chunk size
        {ok ? ` (${ok.cellBytes} B; a column per ${ok.columnBytes} B page, ${ok.width} pages, ${kib(ok.bytes)})` : ''}.
        Free means holding no allocation and no allocator data: free, cached per CPU, or a page not yet taken. Pending
        remote frees, waste and metadata are not free.
      </p>
      <p>
        {swatch(2, `free in ${label(ia)} only`, ok?.counts[2])}
        {swatch(3, `free in ${label(ib)} only`, ok?.counts[3])}
        {swatch(0, 'free in both', ok?.counts[0])}
        {swatch(1, 'free in neither', ok?.counts[1])}
      </p>
      {typeof diff === 'string' && <p className="warn">{diff}</p>}
      <canvas
        ref={canvas}
        data-testid="diff-canvas"
        data-op={ok ? op : ''}
        data-counts={ok ? ok.counts.join(',') : ''}
        // Stretched as the maps are: the full width, two screen rows per row of cells.
        style={{
          width: '100%',
          height: ok ? `${2 * ok.height}px` : undefined,
          imageRendering: 'pixelated',
          display: ok ? 'block' : 'none',
        }}
      />
    </section>
  );
}
