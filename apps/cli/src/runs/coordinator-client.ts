/**
 * The coordinator's HTTP API as the CLI uses it, with the key of HOLTERFLOW_API_KEY as
 * `Authorization: Bearer`. Errors carry the coordinator's own message (its 4xx answers say what
 * is wrong), say which variable to set on a 401, or how to start a coordinator when none answers.
 */
import {
  coordinatorUrlOf,
  DEFAULT_COORDINATOR_URL,
  type RecordList,
  type RecordStatus,
  type RunList,
  type RunStatus,
  type SubmitAnswer,
} from '@holterflow/contracts/plain';

export function coordinatorUrl(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return (
    (flag ?? coordinatorUrlOf(env) ?? DEFAULT_COORDINATOR_URL).replace(/\/+$/, '') || DEFAULT_COORDINATOR_URL
  );
}

/**
 * The CLI's API key: HOLTERFLOW_API_KEY (undefined when unset or blank). Read here, not through
 * the zod schema, so commands that only talk to the coordinator start without loading zod.
 */
export function apiKeyFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.HOLTERFLOW_API_KEY?.trim() || undefined;
}

export class CoordinatorClient {
  constructor(
    readonly base: string,
    private readonly apiKey: string | undefined = apiKeyFromEnv(process.env),
  ) {}

  private async send(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    try {
      return await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(
        `no coordinator at ${this.base} (${(err as Error).message}); start one with ` +
          '`node apps/coordinator/dist/main.js` or set HOLTERFLOW_COORDINATOR_URL',
      );
    }
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    const text = await res.text();
    const json: unknown = text ? parseJson(text) : undefined;
    if (res.status === 401 && !this.apiKey)
      throw new Error(`the coordinator at ${this.base} wants an API key: set HOLTERFLOW_API_KEY`);
    if (!res.ok) {
      const e = json as { message?: unknown; problems?: { field: string; problem: string }[] } | undefined;
      const problems = e?.problems?.map((p) => `${p.field}: ${p.problem}`).join('; ');
      throw new Error(`${String(e?.message ?? res.statusText)}${problems ? ` (${problems})` : ''}`);
    }
    return json as T;
  }

  submit(request: Record<string, unknown>): Promise<SubmitAnswer> {
    return this.call('POST', '/runs', request);
  }
  list(offset: number, limit: number): Promise<RunList> {
    return this.call('GET', `/runs?offset=${offset}&limit=${limit}`);
  }
  cancel(runId: string): Promise<{ runId: string; cancelledAt: string; busyRecords: number }> {
    return this.call('POST', `/runs/${encodeURIComponent(runId)}/cancel`);
  }
  retryFailed(runId: string): Promise<{ runId: string; retried: string[]; notRetried: string[] }> {
    return this.call('POST', `/runs/${encodeURIComponent(runId)}/retry-failed`);
  }
  status(runId: string): Promise<RunStatus> {
    return this.call('GET', `/runs/${encodeURIComponent(runId)}`);
  }
  /** A file route's body (report.html, beats ...); a 4xx/5xx is an Error with the coordinator's reason. */
  async download(path: string): Promise<Uint8Array> {
    const res = await this.send('GET', path);
    if (!res.ok) {
      const text = await res.text();
      let reason = text || res.statusText;
      try {
        reason = String((JSON.parse(text) as { message?: unknown }).message ?? reason);
      } catch {
        // not JSON: the text is the reason
      }
      throw new Error(reason);
    }
    return new Uint8Array(await res.arrayBuffer());
  }

  async records(runId: string): Promise<RecordStatus[]> {
    const out: RecordStatus[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.call<RecordList>(
        'GET',
        `/runs/${encodeURIComponent(runId)}/records?offset=${offset}&limit=1000`,
      );
      out.push(...page.records);
      if (out.length >= page.total || page.records.length === 0) return out;
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
