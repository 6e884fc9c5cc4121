/** Test support: GIF files decoded by gifuct-js, a decoder other than the encoder (used by *.test.ts only). */
import { decompressFrames, parseGIF } from 'gifuct-js';

/** The frames of a GIF file, decoded by gifuct-js (a decoder other than the encoder). */
export function decodeGif(bytes: Uint8Array): { width: number; height: number; rgba: Uint8ClampedArray }[] {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return decompressFrames(parseGIF(buf), true).map((f) => ({
    width: f.dims.width,
    height: f.dims.height,
    rgba: f.patch,
  }));
}
