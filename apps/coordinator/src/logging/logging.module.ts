/**
 * Structured JSON logs (pino through nestjs-pino): one line per event, every line logged while
 * a request is handled carries its request id (`req.id`, also sent back as `X-Request-Id`; a
 * caller's own `X-Request-Id` is kept when it is a plain token). Only ids reach the logs: the
 * request line is method, URL and the API key's id — never headers, bodies or the key itself.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Level } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';

export interface LoggingOptions {
  /** pino level, or 'silent' (tests). */
  level: Level | 'silent';
  /** Where lines go; stdout when absent. */
  stream?: DestinationStream;
}

export const REQUEST_ID_HEADER = 'x-request-id';
const CALLER_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Scraped every few seconds: a line each would drown the rest. */
const QUIET_PATHS = new Set(['/health', '/metrics']);

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export function loggingModule(options: LoggingOptions) {
  const http: PinoHttpOptions = {
    level: options.level,
    genReqId: requestId,
    autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
    customProps: (req) => {
      const principal = (req as AuthenticatedRequest).principal;
      return principal ? { keyId: principal.keyId, role: principal.role } : {};
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return LoggerModule.forRoot({ pinoHttp: options.stream ? [http, options.stream] : http });
}
