import type { PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error';

/**
 * For POST routes that take no body (toggle, run now): nothing, an empty JSON object,
 * or JSON `null` (what some clients send for "no body") is accepted. Anything else is
 * refused, so that a client who believes the route takes options (`{"enabled": false}`
 * to toggle) learns it does not, instead of seeing the request applied without them.
 */
export class NoBodyPipe implements PipeTransform<unknown, undefined> {
  constructor(private readonly route: string) {}

  transform(body: unknown): undefined {
    if (body === undefined || body === null) return undefined;
    const fields = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : undefined;
    if (fields?.length === 0) return undefined;
    const details: Record<string, string> = fields
      ? Object.fromEntries(fields.map((field) => [field, `unknown field: ${this.route} takes no body`]))
      : { body: `${this.route} takes no body` };
    const sent = fields ? `field${fields.length > 1 ? 's' : ''} ${fields.join(', ')}` : 'a body';
    throw new ApiError(
      'VALIDATION_ERROR',
      `${this.route} takes no body, got ${sent}: expected an empty body or {}.`,
      details,
    );
  }
}
