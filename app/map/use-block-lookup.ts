/**
 * The allocator's block under the hovered chunk (address, requested and rounded bytes, owner),
 * asked of the control worker (ControlApi.blockAt) at most every BLOCK_THROTTLE_MS: a trailing
 * timer sends the newest address, only the newest request's answer is kept, and the tooltip
 * never waits for it (it shows the page's states until the answer comes).
 */
import { useEffect, useRef, useState } from 'react';
import type { BlockInfo } from '../../engine/core/types';
import { blockAt } from '../runtime/client';

export const BLOCK_THROTTLE_MS = 50;

/** The latest block answer and the address it was asked for. */
export interface BlockAnswer {
  asked: number;
  info: BlockInfo | null;
}

/** Whether an answer is about the chunk at `addr`: asked there, or its block covers it. */
export const answers = (b: BlockAnswer | null, addr: number): b is BlockAnswer =>
  b !== null && (b.asked === addr || (b.info !== null && addr >= b.info.start && addr < b.info.start + b.info.bytes));

export function useBlockLookup(lane: number): {
  block: BlockAnswer | null;
  /** Ask about `addr` (null: nothing hovered); `again` asks even when the address did not change (the run moved). */
  want: (addr: number | null, again?: boolean) => void;
} {
  const [block, setBlock] = useState<BlockAnswer | null>(null);
  const wanted = useRef<number | null>(null);
  const asker = useRef<{ last: number; timer: ReturnType<typeof setTimeout> | null; seq: number }>({
    last: -Infinity,
    timer: null,
    seq: 0,
  });

  const request = () => {
    const a = asker.current;
    if (a.timer !== null) return;
    const wait = a.last + BLOCK_THROTTLE_MS - performance.now();
    if (wait > 0) {
      a.timer = setTimeout(() => {
        a.timer = null;
        request();
      }, wait);
      return;
    }
    const addr = wanted.current;
    if (addr === null) return;
    a.last = performance.now();
    const seq = ++a.seq;
    blockAt(lane, addr).then(
      (info) => {
        if (seq === a.seq && wanted.current !== null) setBlock({ asked: addr, info });
      },
      () => {
        /* no worker or a timeout: the tooltip keeps the page's view */
      },
    );
  };

  useEffect(
    () => () => {
      const a = asker.current;
      if (a.timer !== null) clearTimeout(a.timer);
      a.timer = null;
      a.seq++;
    },
    [],
  );

  const want = (addr: number | null, again = false) => {
    if (addr === wanted.current && !again) return;
    wanted.current = addr;
    if (addr === null) setBlock(null);
    else request();
  };
  return { block, want };
}
