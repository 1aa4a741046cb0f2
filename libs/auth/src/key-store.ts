/**
 * API keys in S3 (`auth/api-keys/<id>.json`, libs/contracts keys.apiKey): the bucket is the
 * source of truth, so keys survive a Redis loss and whoever holds the bucket's credentials can
 * manage them without the coordinator (`holterflow keys` on a host with the S3 configuration).
 * Only the SHA-256 of a key's secret is stored; the key itself is returned once, by create().
 *
 * verify() caches what it read for CACHE_TTL_MS so a request costs no S3 call; a key revoked
 * through this store is dropped from its cache at once, one revoked elsewhere (another
 * coordinator, the CLI writing S3 directly) stops working within that time.
 */
import { z } from 'zod';
import { keys, type ApiKeyInfo, type CreatedApiKey } from '@holterflow/contracts';
import { ObjectNotFound, type ObjectStore } from '@holterflow/storage';
import { generateApiKey, hashSecret, parseApiKey, sameSecret } from './api-key.js';
import { RoleSchema, type Role } from './roles.js';

export const CACHE_TTL_MS = 30_000;
/** Bounds the cache against a flood of made-up key ids. */
const CACHE_MAX_ENTRIES = 10_000;

export const ApiKeyRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{12}$/),
  name: z.string().max(200),
  role: RoleSchema,
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

// What a listing shows (the record without its hash) is an API answer: declared in the contracts
// (api/api-keys.ts); infoOf below fails to compile if the record stops giving its fields.
export type { ApiKeyInfo };

/** Who made a request. `id` is `bootstrap` for the configured bootstrap admin key. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}

export const BOOTSTRAP_KEY_ID = 'bootstrap';

export class UnknownApiKey extends Error {
  override readonly name = 'UnknownApiKey';
  constructor(readonly id: string) {
    super(`no API key with id ${JSON.stringify(id)}`);
  }
}

export class ApiKeyStore {
  private readonly cache = new Map<string, { record: ApiKeyRecord | null; readAt: number }>();
  private readonly bootstrapHash: string | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: { bootstrapAdminKey?: string; now?: () => number } = {},
  ) {
    this.bootstrapHash = options.bootstrapAdminKey ? hashSecret(options.bootstrapAdminKey) : undefined;
  }

  async create(role: Role, name = ''): Promise<CreatedApiKey> {
    const { id, token, secretHash } = generateApiKey();
    const record: ApiKeyRecord = { id, name, role, secretHash, createdAt: new Date().toISOString() };
    await this.store.putJson(keys.apiKey(id), ApiKeyRecordSchema.parse(record));
    return { key: token, info: infoOf(record) };
  }

  /** Every key ever created, revoked ones included (with revokedAt), oldest first. */
  async list(): Promise<ApiKeyInfo[]> {
    const out: ApiKeyInfo[] = [];
    for await (const object of this.store.list(keys.apiKeysPrefix())) {
      if (!object.key.endsWith('.json')) continue;
      const record = await this.read(object.key);
      if (record) out.push(infoOf(record));
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Marks the key revoked (the record stays, for the listing); revoking twice keeps the first date. */
  async revoke(id: string): Promise<ApiKeyInfo> {
    if (!/^[0-9a-f]{12}$/.test(id)) throw new UnknownApiKey(id);
    const record = await this.read(keys.apiKey(id));
    if (!record) throw new UnknownApiKey(id);
    const revoked = { ...record, revokedAt: record.revokedAt ?? new Date().toISOString() };
    await this.store.putJson(keys.apiKey(id), revoked);
    this.cache.delete(id);
    return infoOf(revoked);
  }

  /** The principal a bearer token stands for, or null (unknown, malformed or revoked). */
  async verify(token: string): Promise<Principal | null> {
    if (this.bootstrapHash && sameSecret(token, this.bootstrapHash))
      return { keyId: BOOTSTRAP_KEY_ID, name: 'bootstrap admin key (configuration)', role: 'admin' };
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const record = await this.cached(parsed.id);
    if (!record || record.revokedAt || !sameSecret(parsed.secret, record.secretHash)) return null;
    return { keyId: record.id, name: record.name, role: record.role };
  }

  /**
   * The principal of a key by its id, or null when it is unknown or revoked: how a console
   * session (which keeps the key's id, never the key) is checked on each request, so revoking
   * the key ends its sessions too (at once here, within CACHE_TTL_MS elsewhere).
   */
  async principalOf(keyId: string): Promise<Principal | null> {
    if (keyId === BOOTSTRAP_KEY_ID)
      return this.bootstrapHash
        ? { keyId: BOOTSTRAP_KEY_ID, name: 'bootstrap admin key (configuration)', role: 'admin' }
        : null;
    if (!/^[0-9a-f]{12}$/.test(keyId)) return null;
    const record = await this.cached(keyId);
    if (!record || record.revokedAt) return null;
    return { keyId: record.id, name: record.name, role: record.role };
  }

  private async cached(id: string): Promise<ApiKeyRecord | null> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(id);
    if (hit && now - hit.readAt < CACHE_TTL_MS) return hit.record;
    const record = await this.read(keys.apiKey(id));
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(id, { record, readAt: now });
    return record;
  }

  /** Null for a missing object or one that is not a key record; S3 trouble is thrown. */
  private async read(key: string): Promise<ApiKeyRecord | null> {
    try {
      const parsed = ApiKeyRecordSchema.safeParse(await this.store.getJson(key));
      return parsed.success ? parsed.data : null;
    } catch (err) {
      if (err instanceof ObjectNotFound) return null;
      throw err;
    }
  }
}

function infoOf(record: ApiKeyRecord): ApiKeyInfo {
  const { secretHash: _secretHash, ...info } = record;
  return info;
}
