/**
 * How numbers, addresses and lanes look wherever the app shows them (maps, charts, the op
 * list, exports): one home, so a lane is the same colour and a size the same text everywhere.
 */
import { format } from 'd3';

/** One colour per allocator lane (distinct from the map's red/green). */
export const ALLOCATOR_COLOURS = ['#1f5fbf', '#8e44ad', '#c07a00', '#138d75'];
export const colourOf = (i: number): string => ALLOCATOR_COLOURS[i % ALLOCATOR_COLOURS.length];

export const fmtPct = format('.1%');
const si = format('.3~s');
export const fmtBytes = (b: number): string => (Math.abs(b) < 1000 ? `${Math.round(b)} B` : `${si(b)}B`);

export const hex = (n: number): string => `0x${n.toString(16)}`;
