/** The body of PUT /models/default, validated with zod like the /runs bodies. */
import { z } from 'zod';
import { isSafeId } from '@holterflow/contracts';

export const SetDefaultModelSchema = z.strictObject({
  version: z
    .string()
    .refine(isSafeId, "a model version name: letters, digits, '_', '-' or '.', not starting with '.'"),
});
export type SetDefaultModel = z.infer<typeof SetDefaultModelSchema>;

/** JSON Schema for OpenAPI, generated from the check so the docs cannot drift from it. */
export const SetDefaultModelJsonSchema = z.toJSONSchema(SetDefaultModelSchema, {
  target: 'openapi-3.0',
  io: 'input',
});
