/**
 * Sign-in for the web console: POST /session exchanges an API key for an httpOnly session
 * cookie; GET /session says who the credential is (key or cookie); DELETE /session signs out.
 */
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import type { ApiKeyStore } from '@holterflow/auth';
import type { SessionInfo, SignedOut } from '@holterflow/contracts';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { Public, Roles } from './access.decorator.js';
import { API_KEYS } from './api-keys.provider.js';
import type { AuthenticatedRequest } from './auth.guard.js';
import { CredentialResolver } from './credential-resolver.js';
import { SESSION_COOKIE, SessionStore } from './sessions.js';

const SignInSchema = z.strictObject({ key: z.string().min(1).max(512) });
type SignIn = z.infer<typeof SignInSchema>;

/** Secure whenever the browser reached us over TLS (directly or through a proxy that says so). */
function isHttps(req: IncomingMessage): boolean {
  return Boolean((req.socket as TLSSocket).encrypted) || req.headers['x-forwarded-proto'] === 'https';
}

function cookie(req: IncomingMessage, value: string, maxAgeSeconds: number): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(isHttps(req) ? ['Secure'] : []),
  ].join('; ');
}

@ApiTags('session')
@Controller('session')
export class SessionController {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(CredentialResolver) private readonly credentials: CredentialResolver,
  ) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in: exchange an API key for an httpOnly session cookie (the console)',
    description:
      'The cookie stands for the key until it expires (HOLTERFLOW_SESSION_TTL_SECONDS), the user signs out or the key is revoked.',
  })
  @ApiBody({ schema: z.toJSONSchema(SignInSchema, { target: 'openapi-3.0' }) as object })
  @ApiResponse({ status: 401, description: 'the key is unknown or revoked' })
  async signIn(
    @Body(new ZodBodyPipe(SignInSchema)) body: SignIn,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<SessionInfo> {
    const principal = await this.keys.verify(body.key);
    if (!principal)
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'the API key is unknown or revoked',
      });
    const { id, record } = await this.sessions.create(principal.keyId);
    res.setHeader('Set-Cookie', cookie(req, id, this.sessions.ttlSeconds));
    (req as AuthenticatedRequest).principal = principal;
    return {
      signedIn: true,
      keyId: principal.keyId,
      name: principal.name,
      role: principal.role,
      expiresAt: record.expiresAt,
    };
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Who this credential is (key or session cookie): key id, name, role, when a session ends',
    description:
      'Public so a page can ask before anyone signed in: without a valid credential the answer is { signedIn: false } with the reason.',
  })
  async whoAmI(@Req() req: IncomingMessage): Promise<SessionInfo | SignedOut> {
    const resolved = await this.credentials.resolve(req);
    if (!resolved.principal) return { signedIn: false, problem: resolved.problem };
    const p = resolved.principal;
    return {
      signedIn: true,
      keyId: p.keyId,
      name: p.name,
      role: p.role,
      expiresAt: resolved.session?.expiresAt ?? null,
    };
  }

  @Delete()
  @Roles('operator', 'analyst')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: the session ends now and its cookie is cleared' })
  async signOut(
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<void> {
    if (req.session) await this.sessions.remove(req.session.id);
    res.setHeader('Set-Cookie', cookie(req, '', 0));
  }
}
