/** Runtime validation shared by every queue's producers and consumers. */
import type { z } from 'zod';

export class InvalidJobError extends Error {
  override readonly name = 'InvalidJobError';
  constructor(
    readonly queue: string,
    /** One line per problem: `path: message`. */
    readonly issues: string[],
  ) {
    super(`invalid ${queue} job: ${issues.join('; ')}`);
  }
}

/** Parse `data` with `schema` or throw InvalidJobError listing every problem with its field path. */
export function parseJobData<S extends z.ZodType>(queue: string, schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new InvalidJobError(
    queue,
    parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(job)'}: ${i.message}`),
  );
}
