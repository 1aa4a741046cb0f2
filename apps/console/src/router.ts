/**
 * Hash routes (#/runs/<id>): the coordinator serves one index.html at / and every API route
 * keeps its own path, so a page address never collides with an API address.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'runs' }
  | { page: 'run'; runId: string }
  | { page: 'record'; runId: string; recordId: string; at?: number }
  | { page: 'models' }
  | { page: 'admin' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'runs')) return { page: 'runs' };
  if (parts[0] === 'runs' && parts.length === 2) return { page: 'run', runId: parts[1] };
  if (parts[0] === 'runs' && parts[2] === 'records' && parts.length === 4) {
    const at = Number(new URLSearchParams(query).get('at'));
    return { page: 'record', runId: parts[1], recordId: parts[3], ...(at > 0 ? { at } : {}) };
  }
  if (parts.length === 1 && parts[0] === 'models') return { page: 'models' };
  if (parts.length === 1 && parts[0] === 'admin') return { page: 'admin' };
  return { page: 'not-found', path };
}

export const href = {
  runs: () => '#/runs',
  run: (runId: string) => `#/runs/${encodeURIComponent(runId)}`,
  record: (runId: string, recordId: string) =>
    `#/runs/${encodeURIComponent(runId)}/records/${encodeURIComponent(recordId)}`,
  models: () => '#/models',
  admin: () => '#/admin',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
