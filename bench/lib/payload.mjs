// The one payload every design delivers: the task id (so the receiver can tell
// arrivals apart) and a short message, as a Discord-style webhook would carry.
export const CONTENT = 'Task Scheduler benchmark delivery';

export function payloadFor(id) {
  return { id, content: CONTENT };
}
