/**
 * The coordinator's /admin/keys answers, as the coordinator sends them (libs/auth keeps the keys)
 * and the CLI (`holterflow keys`) and the console's admin page read them.
 */
import type { Role } from './session.js';

/** What a listing shows and a request is attributed to: never the secret or its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt?: string;
}

/** GET /admin/keys: every key ever created, revoked ones included, oldest first. */
export interface ApiKeyList {
  keys: ApiKeyInfo[];
}

/** POST /admin/keys: the new key, shown this once (only its hash is kept), and its listing. */
export interface CreatedApiKey {
  key: string;
  info: ApiKeyInfo;
}
