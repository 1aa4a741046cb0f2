/**
 * The global guard: reads the route's AccessRule (access.decorator.ts) and the request's
 * credential — an API key (`Authorization`) or, from the web console, a session cookie that
 * stands for one (sessions.ts) — and answers 401 without a valid one and 403 when the key's role
 * is not admitted. Both credentials meet the same rule here: one guard, one answer.
 * The principal is put on the request for the logs (its key id, never the key).
 */
import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { roleAdmits, sameSecret, hashSecret, type ApiKeyStore, type Principal } from '@holterflow/auth';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { ACCESS_RULE, type AccessRule } from './access.decorator.js';
import { API_KEYS } from './api-keys.provider.js';
import { CredentialResolver } from './credential-resolver.js';
import { keyFromAuthorization } from './credentials.js';

export type AuthenticatedRequest = IncomingMessage & {
  principal?: Principal;
  /** Set when the credential was a console session cookie. */
  session?: { id: string; expiresAt: string };
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly metricsKeyHash: string | undefined;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    @Inject(COORDINATOR_CONFIG) config: CoordinatorConfig,
    @Inject(CredentialResolver) private readonly credentials: CredentialResolver,
  ) {
    this.metricsKeyHash = config.auth.metricsKey ? hashSecret(config.auth.metricsKey) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // RFC 9110: a 401 names the scheme to use. Set before knowing; a 2xx ignores it.
    const challenge = () =>
      context.switchToHttp().getResponse<ServerResponse>().setHeader('WWW-Authenticate', 'Bearer');
    if (!rule) throw new ForbiddenException('this route declares no access rule; refused');
    if (rule.kind === 'public') return true;
    const key = keyFromAuthorization(request.headers.authorization);
    if (rule.kind === 'metrics') {
      if (!this.metricsKeyHash) return true;
      if (key && sameSecret(key, this.metricsKeyHash)) return true;
      challenge();
      throw unauthorized('GET /metrics needs Authorization: Bearer <HOLTERFLOW_METRICS_KEY>');
    }
    const resolved = await this.credentials.resolve(request);
    if (!resolved.principal) {
      challenge();
      throw unauthorized(resolved.problem);
    }
    const { principal, session } = resolved;
    if (session) {
      refuseCrossSite(request);
      request.session = session;
    }
    request.principal = principal;
    if (!roleAdmits(principal.role, rule.roles)) {
      const needed = [...rule.roles, 'admin'].join(' or ');
      throw new ForbiddenException(
        `this route needs the role ${needed}; key ${principal.keyId} has the role ${principal.role}`,
      );
    }
    return true;
  }
}

/**
 * A cookie is sent by the browser whoever made the page, so a change made with one must come
 * from the console's own origin (SameSite=Strict already keeps other sites' requests from
 * carrying it; this holds where a browser does not). A key in a header needs no such check.
 */
function refuseCrossSite(request: IncomingMessage): void {
  if (SAFE_METHODS.has(request.method ?? 'GET')) return;
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  const crossSite =
    (typeof site === 'string' && site !== 'same-origin' && site !== 'none') ||
    (typeof origin === 'string' && hostOf(origin) !== request.headers.host);
  if (crossSite)
    throw new ForbiddenException('a change made with a session cookie must come from the console itself');
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}
