/**
 * One requestAnimationFrame loop for the page's animations (the maps' smooth moves).
 * Tasks run in priority order each frame; the loop idles when no task is registered.
 */
type Task = { priority: number; run: (now: number) => void };

const tasks = new Set<Task>();
let handle = 0;

function frame(now: number): void {
  handle = 0;
  const ordered = [...tasks].sort((a, b) => a.priority - b.priority);
  for (const t of ordered) {
    try {
      t.run(now);
    } catch (e) {
      console.error('frame task failed', e);
    }
  }
  if (tasks.size > 0) handle = requestAnimationFrame(frame);
}

/** Run `run` every animation frame (lower priority first) until the returned function is called. */
export function onFrame(run: (now: number) => void, priority = 10): () => void {
  const t: Task = { priority, run };
  tasks.add(t);
  if (handle === 0) handle = requestAnimationFrame(frame);
  return () => {
    tasks.delete(t);
  };
}
