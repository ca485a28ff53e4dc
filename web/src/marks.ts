/**
 * Marks the browser benchmark reads (bench/web.py): a mark is made once the
 * frame showing the change has been painted (a task queued from the frame's
 * animation callback runs after its paint).
 */
export function markAfterPaint(name: "shotline:grid-ready" | "shotline:panel-ready" | "shotline:cell-updated"): void {
  requestAnimationFrame(() => setTimeout(() => performance.mark(name), 0));
}
