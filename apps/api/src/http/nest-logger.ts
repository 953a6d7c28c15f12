import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@scheduler/config';

/** Nest's own messages (route mapping, lifecycle) through our logger; its chatter at debug. */
export class NestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug(format(message, context));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn(format(message, context));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ trace }, format(message, context));
  }
  debug(message: unknown, context?: string): void {
    this.logger.trace(format(message, context));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace(format(message, context));
  }
}

function format(message: unknown, context?: string): string {
  const text = typeof message === 'string' ? message : JSON.stringify(message);
  return context ? `[${context}] ${text}` : text;
}
