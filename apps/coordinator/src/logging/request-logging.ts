/**
 * Structured JSON logs (pino, with pino-http for requests): one line per event, every line
 * logged while a request is handled carries its request id (`req.id`, also sent back as
 * `X-Request-Id`; a caller's own `X-Request-Id` is kept when it is a plain token). Only ids reach
 * the logs: the request line is method, URL and the API key's id — never headers, bodies or the
 * key itself.
 *
 * Why not nestjs-pino: its releases for NestJS 12 require Node ≥ 22.12 (EBADENGINE on the Node
 * 20 we still support). What we used of it is this: the pino-http middleware, and a Nest logger
 * that writes through the request's child logger (AsyncLocalStorage) so a service's own lines
 * (`new Logger('runs')`) carry the request id too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
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

export interface RequestLogging {
  /** Express middleware: logs each request when its response ends; binds its logger for the handler. */
  middleware(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  /** The Nest logger (app.useLogger): the current request's logger inside a request, else the root. */
  nestLogger: LoggerService;
}

export function requestLogging(options: LoggingOptions): RequestLogging {
  const root = options.stream
    ? pino({ level: options.level }, options.stream)
    : pino({ level: options.level });
  const current = new AsyncLocalStorage<Logger>();
  const http = pinoHttp({
    logger: root,
    genReqId: requestId,
    autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
    // Called when the response ends, after the guard has set the principal.
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
  });
  return {
    middleware(req, res, next) {
      http(req, res);
      current.run((req as IncomingMessage & { log: Logger }).log, next);
    },
    nestLogger: new PinoNestLogger(root, () => current.getStore()),
  };
}

/**
 * Nest's LoggerService over pino. Nest passes the context (the name given to `new Logger(name)`)
 * as the last string argument; it becomes the line's `context`.
 */
class PinoNestLogger implements LoggerService {
  constructor(
    private readonly root: Logger,
    private readonly ofRequest: () => Logger | undefined,
  ) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]) {
    const logger = this.ofRequest() ?? this.root;
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    // Nest's error(message, stack, context): the stack is kept, under `stack`.
    const stack = level === 'error' && typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
    const bindings = { ...(context ? { context } : {}), ...(stack ? { stack } : {}) };
    if (message instanceof Error) logger[level]({ ...bindings, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) logger[level]({ ...bindings, ...message });
    else logger[level](bindings, String(message));
  }
}
