/** A small JSON client for tests of the coordinator's HTTP API. */
import { TEST_ADMIN_KEY } from './coordinator.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
export type Json = any;

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/**
 * `baseUrl` is read on every call: tests restart the coordinator on a new port. Requests carry
 * `Authorization: Bearer <apiKey>` (the test coordinators' admin key by default; null for none).
 */
export function jsonClient(baseUrl: () => string, apiKey: string | null = TEST_ADMIN_KEY) {
  return async function http(
    method: Method,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Json }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    const res = await fetch(baseUrl() + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? parseJson(text) : undefined };
  };
}

/** Non-JSON answers (a proxy's HTML, a plain-text error) are returned as text so the assertion shows them. */
function parseJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
