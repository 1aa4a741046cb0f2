/** Query string of GET /runs/:runId/records/:recordId/signal (the console's ECG viewer). */
import { z } from 'zod';

/** Longest stretch one request may ask for: half an hour is ~1.3 M samples per lead at 720 Hz. */
export const MAX_SIGNAL_SECONDS = 1800;
export const DEFAULT_SIGNAL_POINTS = 4000;

export const SignalQuerySchema = z
  .object({
    /** Seconds from the start of the recording, [start, end). */
    start: z.coerce.number({ error: '"start" must be a number of seconds' }).min(0),
    end: z.coerce.number({ error: '"end" must be a number of seconds' }).positive(),
    /**
     * Most points per lead in the answer: longer stretches come as min/max pairs per bucket of
     * samples, so a zoomed-out view keeps every spike without sending every sample.
     */
    maxPoints: z.coerce.number().int().min(100).max(50_000).default(DEFAULT_SIGNAL_POINTS),
  })
  .superRefine((q, ctx) => {
    if (q.end <= q.start)
      ctx.addIssue({ code: 'custom', path: ['end'], message: '"end" must be after "start"' });
    else if (q.end - q.start > MAX_SIGNAL_SECONDS)
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `at most ${MAX_SIGNAL_SECONDS} s per request (asked ${q.end - q.start} s)`,
      });
  });
export type SignalQuery = z.infer<typeof SignalQuerySchema>;
