/** Query strings of the analyst download routes. */
import { z } from 'zod';
import { AAMI_CLASSES } from '@holterflow/contracts';

export const BeatsQuerySchema = z
  .object({
    /** Comma list of AAMI classes, e.g. `V,S`; all when absent. */
    class: z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined || s === '') return undefined;
        const list = s.split(',').map((c) => c.trim());
        const bad = list.filter((c) => !(AAMI_CLASSES as readonly string[]).includes(c));
        if (bad.length) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown class ${bad.join(', ')} (use ${AAMI_CLASSES.join(', ')})`,
          });
          return z.NEVER;
        }
        return new Set(list);
      }),
    /** Seconds from the start of the recording, [from, to). */
    from: z.coerce.number().min(0).optional(),
    to: z.coerce.number().positive().optional(),
    /** At most this many beats (the first ones in time): the console's "next V beat" asks for one. */
    limit: z.coerce.number().int().positive().optional(),
    format: z.enum(['csv', 'parquet']).default('csv'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: '"from" must be before "to"',
    path: ['from'],
  });
export type BeatsQuery = z.infer<typeof BeatsQuerySchema>;
