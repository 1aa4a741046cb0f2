/**
 * API key format: `hf_<id>_<secret>`. The id (12 hex digits) is public — it names the key in
 * listings, logs and `keys revoke <id>`; the secret (32 random bytes, base64url) is shown once
 * and stored only as its SHA-256. A slow password hash is not needed: the secret is 256 random
 * bits, not something a person chose, so it cannot be guessed from its hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^hf_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  id: string;
  secret: string;
}

export function generateApiKey(): { id: string; token: string; secretHash: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `hf_${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** Null for anything that is not shaped like one of our keys. */
export function parseApiKey(token: string): ParsedApiKey | null {
  const m = KEY_PATTERN.exec(token);
  return m ? { id: m[1], secret: m[2] } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex SHA-256 digests (or of any two strings, by their hashes). */
export function sameSecret(secret: string, expectedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(expectedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
