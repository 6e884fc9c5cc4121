/**
 * Animated GIF of index frames (frames.ts), encoded by gifenc. Why GIF and gifenc:
 * - lossless here: a frame has at most 16 colours (FRAME_PALETTE), written as the global colour
 *   table, and frames are already indices into it, so nothing is quantised or dithered and a
 *   decoded frame has the composer's pixels exactly;
 * - streamed: in gifenc's manual mode the bytes of each frame are taken out as soon as it is
 *   encoded, so 1000 frames of 4094x128 maps never sit in memory as pixels (an APNG encoder on
 *   npm, upng-js, takes every frame at once: gigabytes for such a run);
 * - fast (its LZW is the quickest of the JS GIF encoders measured by its author), small (no
 *   dependencies), MIT, and runs unchanged in Node and in the browser.
 */
import gifenc from 'gifenc';

const GIFEncoder = typeof gifenc === 'function' ? gifenc : gifenc.GIFEncoder;
import { FRAME_PALETTE } from './frames';

export class GifStream {
  private readonly enc = GIFEncoder({ auto: false, initialCapacity: 1 << 20 });
  private frames = 0;

  /** `delayMs` per frame (GIF keeps hundredths of a second). */
  constructor(
    readonly width: number,
    readonly height: number,
    readonly delayMs: number,
  ) {}

  /** The encoded bytes of one more frame (the header with the first); append them in order. */
  frame(index: Uint8Array): Uint8Array {
    const first = this.frames === 0;
    this.enc.reset();
    if (first) this.enc.writeHeader();
    this.enc.writeFrame(index, this.width, this.height, {
      first,
      palette: first ? FRAME_PALETTE : undefined,
      delay: this.delayMs,
      repeat: 0,
    });
    this.frames++;
    return this.enc.bytes();
  }

  /** The trailer: the last bytes of the file. */
  finish(): Uint8Array {
    this.enc.reset();
    this.enc.finish();
    return this.enc.bytes();
  }
}
