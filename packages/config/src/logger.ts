import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config } from './load-config';
import { terminalSafe } from './terminal-text';

export type { Logger };

/**
 * One logger per process, named after its role: JSON lines for log collectors
 * (LOG_FORMAT=json) or one readable line per event (LOG_FORMAT=pretty, the local default).
 */
export function createLogger(name: string, config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  const level = config.logLevel;
  // Synchronous writes: a process's last lines ("stopped cleanly") must not be
  // lost when it exits right after them.
  if (config.logFormat === 'json') return pino({ name, level }, pino.destination({ dest: 1, sync: true }));
  // A synchronous stream: lines appear in order and nothing is lost on exit.
  return pino(
    { name, level },
    pinoPretty({
      sync: true,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      singleLine: true,
      // Messages quote task names and webhook answers: one event stays one line, and
      // no escape sequence of theirs reaches the terminal (pino-pretty keeps \n and \t).
      messageFormat: (log, messageKey) => {
        const message = log[messageKey];
        if (message === undefined) return '';
        return terminalSafe(typeof message === 'string' ? message : JSON.stringify(message));
      },
    }),
  );
}
