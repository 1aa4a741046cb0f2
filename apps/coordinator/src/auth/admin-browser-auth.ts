/**
 * Express middleware for pages a browser opens (Bull Board): HTTP Basic with an admin key as
 * the password, so the browser's own login prompt is the way in and it resends the key with
 * every asset and API call under the page. Bearer works too (scripts). Not a Nest route, so the
 * global guard does not see it; this is its access rule (admin only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKeyStore } from '@holterflow/auth';
import { keyFromAuthorization } from './credentials.js';

export function adminBrowserAuth(keys: ApiKeyStore, realm: string) {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    const key = keyFromAuthorization(req.headers.authorization);
    const refuse = (status: 401 | 403, message: string) => {
      if (status === 401) res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ statusCode: status, message }));
    };
    if (!key) return refuse(401, 'sign in with any user name and an admin API key as the password');
    keys.verify(key).then(
      (principal) => {
        if (!principal) return refuse(401, 'the API key is unknown or revoked');
        if (principal.role !== 'admin')
          return refuse(
            403,
            `Bull Board needs an admin key; key ${principal.keyId} has the role ${principal.role}`,
          );
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
