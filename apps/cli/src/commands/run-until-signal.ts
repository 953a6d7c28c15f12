// Shared with the API: one way for a long-running process to stop on a signal.
export { runUntilSignal } from '@scheduler/config';
