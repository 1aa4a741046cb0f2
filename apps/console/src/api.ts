/**
 * The coordinator's HTTP API as the console calls it: same origin, the session cookie sent by
 * the browser (never a key kept in the page), JSON in and out, errors with the server's message.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Listeners told when the server answers 401: the session ended (expired, signed out elsewhere). */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function errorOf(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { message?: unknown; problems?: { field: string; problem: string }[] };
    if (body.problems?.length) message = body.problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
    else if (typeof body.message === 'string') message = body.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, message);
}

export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const error = await errorOf(res);
    if (res.status === 401 && path !== '/session') unauthorizedListeners.forEach((l) => l());
    throw error;
  }
  return res;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  return (await res.json()) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

/** Path segments are ids checked by the server; encode them anyway so a path stays a path. */
export const enc = encodeURIComponent;
