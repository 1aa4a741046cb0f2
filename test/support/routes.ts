/**
 * Every HTTP route an app serves, read from Express's own router (what actually answers
 * requests), so a test that walks them cannot miss a route added later.
 */
import type { INestApplication } from '@nestjs/common';

export interface AppRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Express path pattern, e.g. `/runs/:runId`. */
  path: string;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * App-wide middleware mounted through Nest's MiddlewareConsumer shows up as a catch-all route for
 * every method; it answers nothing itself, so it is not a route to walk.
 */
const MIDDLEWARE_CATCH_ALL = new Set(['{/*splat}', '/*splat', '*']);

export function appRoutes(app: INestApplication): AppRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const out: AppRoute[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route || MIDDLEWARE_CATCH_ALL.has(layer.route.path)) continue;
    for (const [method, on] of Object.entries(layer.route.methods))
      if (on && method !== '_all')
        out.push({ method: method.toUpperCase() as AppRoute['method'], path: layer.route.path });
  }
  return out;
}
