/** The body of POST /admin/keys. */
import { z } from 'zod';
import { RoleSchema } from '@holterflow/auth';

export const CreateKeySchema = z.strictObject({
  role: RoleSchema,
  /** Who or what uses the key ("lab-3 ingest", "grafana"), shown in listings. */
  name: z.string().max(200).default(''),
});
export type CreateKey = z.infer<typeof CreateKeySchema>;

export const CreateKeyJsonSchema = z.toJSONSchema(CreateKeySchema, { target: 'openapi-3.0', io: 'input' });
