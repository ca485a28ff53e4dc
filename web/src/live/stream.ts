/**
 * Live updates: changes other people make reach the open grid without a
 * reload, through the server's event stream (`GET /api/events/stream`,
 * server-sent events; the browser's EventSource resumes with Last-Event-ID
 * after a dropped connection). An event about a task of the project makes
 * the grid read that task again (`GET /api/tasks/{id}`, under the reader's
 * own access rules, so nothing arrives that the API would not show), and its
 * cell changes in place. Reads of one burst are batched per animation frame.
 *
 * A server without the stream answers 404, and EventSource gives up at once
 * (it retries only dropped connections): the grid then stays as loaded.
 */
import { api, type Schemas } from "../api/client";

export const STREAM_URL = "/api/events/stream";

/**
 * The task an event is about, if it is a change of a task of the project
 * that its cell shows (`task.status_changed`, `task.assigned`, ...: see
 * docs/events.md); other events (comments, time logs, entities) change no cell.
 */
export function tasksOfEvent(data: unknown, projectId: number): number[] {
  if (!data || typeof data !== "object") return [];
  const event = data as { project_id?: unknown; task_id?: unknown; kind?: unknown };
  if (event.project_id !== projectId) return [];
  if (typeof event.kind !== "string" || !event.kind.startsWith("task.")) return [];
  return typeof event.task_id === "number" ? [event.task_id] : [];
}

export type TaskListener = (tasks: Schemas["TaskRecord"][]) => void;

/** Follow the stream for one project's tasks; returns a function that stops. */
export function liveTasks(projectId: number, listener: TaskListener): () => void {
  if (typeof EventSource === "undefined") return () => {};
  const source = new EventSource(STREAM_URL, { withCredentials: true });
  const pending = new Set<number>();
  let scheduled = false;

  async function flush() {
    scheduled = false;
    const ids = [...pending];
    pending.clear();
    const answers = await Promise.all(
      ids.map((id) => api.GET("/api/tasks/{task_id}", { params: { path: { task_id: id } } })),
    );
    const tasks = answers.flatMap((answer) => (answer.data ? [answer.data] : []));
    if (tasks.length) listener(tasks);
  }

  source.onmessage = (message: MessageEvent<string>) => {
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    for (const id of tasksOfEvent(data, projectId)) pending.add(id);
    if (pending.size && !scheduled) {
      scheduled = true;
      requestAnimationFrame(() => void flush());
    }
  };
  return () => source.close();
}
