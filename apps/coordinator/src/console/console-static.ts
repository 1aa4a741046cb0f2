/**
 * The web console's files (apps/console/dist, built by `npm run build`) served at `/`: index.html
 * and its hashed assets, read once at start, gzipped once, sent from memory. Only the files of
 * the build are answered (no path is joined from a request), everything else falls through to the
 * API routes. The files hold no data, so they need no key; every call they make does.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** apps/console/dist beside this app, from src/console/ (tsx) and dist/console/ (compiled) alike. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/**
 * Scripts and styles from this origin only; uPlot and Preact set element styles (style
 * attributes), hence 'unsafe-inline' for styles alone; the report is framed from this origin.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

interface StaticFile {
  type: string;
  body: Buffer;
  gzip: Buffer;
  /** Hashed asset names never change content: cache for a year; index.html is revalidated. */
  immutable: boolean;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

export function loadConsoleFiles(dir = CONSOLE_DIST): Map<string, StaticFile> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const files = new Map<string, StaticFile>();
  for (const path of walk(dir)) {
    const url = '/' + relative(dir, path).split(sep).join('/');
    const ext = url.slice(url.lastIndexOf('.'));
    const body = readFileSync(path);
    files.set(url, {
      type: TYPES[ext] ?? 'application/octet-stream',
      body,
      gzip: gzipSync(body, { level: 9 }),
      immutable: url.startsWith('/assets/'),
    });
  }
  files.set('/', files.get('/index.html')!);
  return files;
}

/** Express-style middleware; `files` undefined (console not built) answers / with how to build it. */
export function consoleStatic(files: Map<string, StaticFile> | undefined) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = (req.url ?? '/').split('?')[0];
    const file = files?.get(path);
    if (!file) {
      if (path !== '/' || files) return next();
      res.statusCode = 503;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('The web console is not built: run `npm run build` (apps/console/dist is missing).\n');
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? file.gzip : file.body;
    res.setHeader('Content-Type', file.type);
    res.setHeader('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (file.type.startsWith('text/html')) res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
