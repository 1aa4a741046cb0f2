import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates a request body with a zod schema (the same library the job contracts use, so the
 * HTTP layer and the queue layer cannot disagree) and answers 400 listing every problem by field.
 */
export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'the request body is not valid',
      problems: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', problem: i.message })),
    });
  }
}
