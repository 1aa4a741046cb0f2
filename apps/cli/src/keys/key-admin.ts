/**
 * Where `holterflow keys` manages API keys: straight in the bucket (a host with the deployment's
 * S3 configuration: whoever holds the bucket's credentials is admin already), or through the
 * coordinator's /admin/keys with an admin key (any other host).
 */
import { ApiKeyStore, type ApiKeyInfo, type Role } from '@holterflow/auth';
import { keys, type ApiKeyList, type CreatedApiKey } from '@holterflow/contracts';
import { ObjectStore, storageConfigFromEnv } from '@holterflow/storage';
import { apiKeyFromEnv, CoordinatorClient } from '../runs/coordinator-client.js';

export interface KeyAdmin {
  /** Where the keys are, for messages: `s3://bucket/auth/api-keys/` or the coordinator URL. */
  readonly where: string;
  create(role: Role, name: string): Promise<CreatedApiKey>;
  list(): Promise<ApiKeyInfo[]>;
  revoke(id: string): Promise<ApiKeyInfo>;
  close(): void;
}

export type KeyAdminVia = 's3' | 'api';

/** `--via` when given; otherwise the API when HOLTERFLOW_API_KEY is set, S3 when it is not. */
export function chooseVia(flag: string | undefined, env = process.env): KeyAdminVia {
  if (flag === 's3' || flag === 'api') return flag;
  if (flag !== undefined) throw new Error(`--via ${JSON.stringify(flag)}: use s3 or api`);
  return apiKeyFromEnv(env) ? 'api' : 's3';
}

export function openKeyAdmin(via: KeyAdminVia, coordinatorBase: string): KeyAdmin {
  return via === 's3' ? s3KeyAdmin() : apiKeyAdmin(coordinatorBase);
}

function s3KeyAdmin(): KeyAdmin {
  const objects = new ObjectStore(storageConfigFromEnv(process.env));
  const store = new ApiKeyStore(objects);
  return {
    where: `s3://${objects.bucket}/${keys.apiKeysPrefix()}`,
    create: (role, name) => store.create(role, name),
    list: () => store.list(),
    revoke: (id) => store.revoke(id),
    close: () => objects.destroy(),
  };
}

function apiKeyAdmin(base: string): KeyAdmin {
  const client = new CoordinatorClient(base);
  return {
    where: `${base}/admin/keys`,
    create: (role, name) => client.call('POST', '/admin/keys', { role, name }),
    list: async () => (await client.call<ApiKeyList>('GET', '/admin/keys')).keys,
    revoke: (id) => client.call('POST', `/admin/keys/${encodeURIComponent(id)}/revoke`),
    close: () => {},
  };
}
