// Task statuses as upstream Alyx numbers them (jobs.Task.STATUS_DATA_SOURCES). The API shows and
// accepts the label; the database stores the number.
export const TASK_STATUSES = [
  [20, 'Waiting'],
  [25, 'Held'],
  [30, 'Started'],
  [40, 'Errored'],
  [45, 'Abandoned'],
  [50, 'Empty'],
  [55, 'Incomplete'],
  [60, 'Complete'],
] as const;

export type StatusCode = (typeof TASK_STATUSES)[number][0];
export type StatusLabel = (typeof TASK_STATUSES)[number][1];

/** A new task without a status waits (upstream stores 10, which is no valid choice). */
export const DEFAULT_STATUS: StatusCode = 20;

export const STATUS_LABELS: string[] = TASK_STATUSES.map(([, l]) => l);

export function statusLabel(code: number): string | null {
  return TASK_STATUSES.find(([c]) => c === code)?.[1] ?? null;
}

/** The API's message for a bad status: the labels in upstream's order. */
export function invalidStatusMessage(field = 'status'): string {
  return `Invalid ${field}, choices are: ${STATUS_LABELS.join(', ')}`;
}

/** Exact label (as the serializer accepts it) → code, or null. */
export function statusFromLabel(label: unknown): StatusCode | null {
  if (typeof label !== 'string') return null;
  return TASK_STATUSES.find(([, l]) => l === label)?.[0] ?? null;
}

/** Case-insensitive label (as the list filter accepts it) → code, or null. */
export function statusFromLabelInsensitive(label: string): StatusCode | null {
  const wanted = label.trim().toLowerCase();
  return TASK_STATUSES.find(([, l]) => l.toLowerCase() === wanted)?.[0] ?? null;
}

/** A number or a case-insensitive label (the cleanup command's --status) → code, or null. */
export function statusFromCodeOrLabel(value: string): StatusCode | null {
  const v = value.trim();
  if (/^\d+$/.test(v)) return TASK_STATUSES.find(([c]) => c === Number(v))?.[0] ?? null;
  return statusFromLabelInsensitive(v);
}
