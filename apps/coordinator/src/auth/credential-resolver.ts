/**
 * Who a request is, from its credential: an API key (`Authorization: Bearer`, or Basic with the
 * key as the password) or a console session cookie standing for one. The guard and GET /session
 * ask the same resolver, so a key and a session are judged by one rule.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { ApiKeyStore, Principal } from '@holterflow/auth';
import { API_KEYS } from './api-keys.provider.js';
import { cookieValue, keyFromAuthorization } from './credentials.js';
import { SESSION_COOKIE, SessionStore } from './sessions.js';

export type Resolved =
  | { principal: Principal; session?: { id: string; expiresAt: string } }
  /** Why there is no principal, in words for the 401. */
  | { principal: null; problem: string };

@Injectable()
export class CredentialResolver {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
  ) {}

  async resolve(request: IncomingMessage): Promise<Resolved> {
    const key = keyFromAuthorization(request.headers.authorization);
    if (key) {
      const principal = await this.keys.verify(key);
      return principal ? { principal } : { principal: null, problem: 'the API key is unknown or revoked' };
    }
    const sessionId = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (sessionId) {
      const session = await this.sessions.read(sessionId);
      const principal = session ? await this.keys.principalOf(session.keyId) : null;
      if (principal && session)
        return { principal, session: { id: sessionId, expiresAt: session.expiresAt } };
      return {
        principal: null,
        problem:
          'the console session has ended (expired, signed out, or its API key revoked): sign in again with an API key',
      };
    }
    return { principal: null, problem: 'this route needs an API key: send Authorization: Bearer <key>' };
  }
}
