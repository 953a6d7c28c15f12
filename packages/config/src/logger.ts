import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config } from './load-config';

export type { Logger };

/**
 * One logger per process, named after its role: JSON lines for log collectors
 * (LOG_FORMAT=json) or one readable line per event (LOG_FORMAT=pretty, the local default).
 */
export function createLogger(name: string, config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  const level = config.logLevel;
  // Asynchronous writes (each line still leaves at once, and pending ones are
  // flushed on exit): a synchronous write per line would cap a busy worker.
  if (config.logFormat === 'json') {
    return pino({ name, level }, pino.destination({ dest: 1, sync: false }));
  }
  // A synchronous stream: lines appear in order and nothing is lost on exit.
  return pino(
    { name, level },
    pinoPretty({ sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name', singleLine: true }),
  );
}
