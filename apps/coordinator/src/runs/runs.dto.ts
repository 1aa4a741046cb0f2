/** Request bodies and query strings of the /runs endpoints, validated with zod like the job payloads. */
import { z } from 'zod';
import { RECORD_STATES, RunRequestSchema } from '@holterflow/contracts';

/** JSON Schema for OpenAPI, generated from the contract so the docs cannot drift from the check. */
export const RunRequestJsonSchema = (() => {
  const schema = z.toJSONSchema(RunRequestSchema, { target: 'openapi-3.0', io: 'input' }) as {
    required?: string[];
    description?: string;
  };
  // The bucket defaults to the coordinator's own (RunRequestPipe fills it in).
  schema.required = (schema.required ?? []).filter((f) => f !== 'bucket');
  schema.description =
    'Name the recordings by exactly one of "prefix" or "recordings". "bucket" defaults to the ' +
    'coordinator\'s bucket, "model" to the default model (models/DEFAULT).';
  return schema;
})();

const page = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

export const RunListQuerySchema = z.strictObject(page);
export type RunListQuery = z.infer<typeof RunListQuerySchema>;

export const RecordListQuerySchema = z.strictObject({ ...page, state: z.enum(RECORD_STATES).optional() });
export type RecordListQuery = z.infer<typeof RecordListQuerySchema>;
