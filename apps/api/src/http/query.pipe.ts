import type { PipeTransform } from '@nestjs/common';
import { parseTaskInput } from '@scheduler/core';
import type { z } from 'zod';

/** Validates a route's query string with a domain query schema; bad values become VALIDATION_ERROR. */
export class QueryPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(query: unknown): z.output<S> {
    return parseTaskInput(this.schema, query ?? {});
  }
}
