// Schedules only enqueue. Each firing gets a deterministic job id (name + time slot), so when
// several processes fire the same schedule, the queue runs the job once.
import cron from 'node-cron';
import type { Queue } from './queue.ts';

export type Schedule = {
  name: string;
  cron: string;
  slot: (at: Date) => string;
  data?: (at: Date) => Record<string, unknown>;
};

export const hourSlot = (at: Date) => at.toISOString().slice(0, 13);
export const minuteSlot = (at: Date) => at.toISOString().slice(0, 16);
/** The slot of a schedule firing every `seconds`: one job id per interval. */
export const intervalSlot = (seconds: number) => (at: Date) => String(Math.floor(at.getTime() / (seconds * 1000)));

export function startSchedules(queue: Queue, schedules: Schedule[], onError: (err: unknown) => void): () => void {
  const tasks = schedules.map((s) =>
    cron.schedule(s.cron, () => {
      const at = new Date();
      queue.add(s.name, s.data?.(at) ?? {}, { jobId: `${s.name}:${s.slot(at)}` }).catch(onError);
    }),
  );
  return () => tasks.forEach((t) => t.stop());
}
