/**
 * The global guard: reads the route's AccessRule (access.decorator.ts) and the request's key,
 * answers 401 without a valid key and 403 with a key whose role the rule does not admit.
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
import { keyFromAuthorization } from './credentials.js';

export type AuthenticatedRequest = IncomingMessage & { principal?: Principal };

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly metricsKeyHash: string | undefined;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    @Inject(COORDINATOR_CONFIG) config: CoordinatorConfig,
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
    const principal = key ? await this.keys.verify(key) : null;
    if (!principal) {
      challenge();
      throw unauthorized(
        key
          ? 'the API key is unknown or revoked'
          : 'this route needs an API key: send Authorization: Bearer <key>',
      );
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

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}
