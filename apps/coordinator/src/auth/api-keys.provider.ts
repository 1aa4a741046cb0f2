import { ApiKeyStore } from '@holterflow/auth';
import type { ObjectStore } from '@holterflow/storage';
import type { CoordinatorConfig } from '../config.js';

/** The coordinator's ApiKeyStore over its configured bucket (keys live at auth/api-keys/). */
export const API_KEYS = Symbol('API_KEYS');

export function apiKeyStore(store: ObjectStore, config: CoordinatorConfig): ApiKeyStore {
  return new ApiKeyStore(store, { bootstrapAdminKey: config.auth.bootstrapAdminKey });
}
