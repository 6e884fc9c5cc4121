/**
 * WebM of the animation: the frames (the same index frames as the GIF, frames.ts) are drawn on a
 * canvas that MediaRecorder films through captureStream(0), one requestFrame() per frame. The op
 * counter and the labels are in the frame's pixels, so they are burnt into the video. VP8/VP9
 * are lossy: the GIF is the export whose pixels equal the CLI's; the WebM is for sharing.
 *
 * MediaRecorder stamps frames with the wall clock, so each frame is held for 1/fps seconds:
 * a WebM takes (frames / fps) seconds to record.
 */
import { indexToRgba, type FrameLayout } from '../../engine/render/frames';
import type { FrameSink } from './animation';

/** The first of these the browser records (Chromium: VP9, then VP8). */
const TYPES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];

export function webmSupported(): boolean {
  return typeof MediaRecorder === 'function' && TYPES.some((t) => MediaRecorder.isTypeSupported(t));
}

export function webmSink(canvas: HTMLCanvasElement, fps: number): FrameSink & { finish(): Promise<Blob> } {
  let recorder: MediaRecorder | null = null;
  let track: CanvasCaptureMediaStreamTrack | null = null;
  let ctx: CanvasRenderingContext2D | null = null;
  let image: ImageData | null = null;
  let last = 0;
  const chunks: Blob[] = [];
  const hold = 1000 / fps;
  return {
    start(l: FrameLayout) {
      canvas.width = l.width;
      canvas.height = l.height;
      ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2D context for the WebM canvas');
      image = new ImageData(l.width, l.height);
      const type = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
      if (!type) throw new Error('this browser cannot record WebM (MediaRecorder)');
      const stream = canvas.captureStream(0);
      track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
      // Sharp edges at one pixel per chunk need a high rate: about 4 bits per pixel per second.
      recorder = new MediaRecorder(stream, {
        mimeType: type,
        videoBitsPerSecond: Math.min(4 * l.width * l.height, 5e7),
      });
      recorder.ondataavailable = (e) => {
        if (e.data.size) chunks.push(e.data);
      };
      recorder.start();
    },
    async frame(index) {
      if (!ctx || !image || !track) return;
      const wait = last + hold - performance.now();
      if (last && wait > 0) await new Promise((r) => setTimeout(r, wait));
      indexToRgba(index, image.data);
      ctx.putImageData(image, 0, 0);
      track.requestFrame();
      last = performance.now();
    },
    async finish() {
      const r = recorder;
      if (!r) return new Blob([], { type: 'video/webm' });
      // The last frame is held for its time too before the recording stops.
      await new Promise((res) => setTimeout(res, hold));
      const stopped = new Promise<void>((res) => (r.onstop = () => res()));
      r.stop();
      await stopped;
      track?.stop();
      return new Blob(chunks, { type: 'video/webm' });
    },
  };
}
