/**
 * zod types for object keys and prefixes that arrive in a request (POST /runs, POST /ingest):
 * 400 naming the field rather than a key that escapes its folder or a 500 further on.
 */
import { z } from 'zod';
import { requestKeyProblem, requestPrefixProblem } from '../keys.js';

export const requestObjectKey = z.string().superRefine((key, ctx) => {
  const problem = requestKeyProblem(key);
  if (problem)
    ctx.addIssue({ code: 'custom', message: `object key ${JSON.stringify(key.slice(0, 200))} ${problem}` });
});

export const requestPrefix = z.string().superRefine((prefix, ctx) => {
  const problem = requestPrefixProblem(prefix);
  if (problem)
    ctx.addIssue({ code: 'custom', message: `prefix ${JSON.stringify(prefix.slice(0, 200))} ${problem}` });
});
