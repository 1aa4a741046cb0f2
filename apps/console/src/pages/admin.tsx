/** Admin: queues (counts, pause / resume, retry failed), live workers, API keys (create, revoke). */
import { useState } from 'preact/hooks';
import type {
  ApiKeyList,
  CreatedApiKey,
  QueueCountedState,
  QueueList,
  WorkerList,
} from '@holterflow/contracts';
import { api, enc, get } from '../api.js';
import { num, when } from '../format.js';
import { useLoad } from '../hooks.js';

const STATES: readonly QueueCountedState[] = [
  'waiting',
  'active',
  'delayed',
  'waiting-children',
  'failed',
  'completed',
];
const POLL_MS = 3000;

export function AdminPage() {
  return (
    <main id="main" tabIndex={-1}>
      <h1>Admin</h1>
      <Queues />
      <Workers />
      <Keys />
    </main>
  );
}

function Queues() {
  const queues = useLoad(() => get<QueueList>('/queues'), [], POLL_MS);
  const [message, setMessage] = useState<string | undefined>();
  const act = async (name: string, action: string) => {
    try {
      await api('POST', `/queues/${enc(name)}/${action}`);
      setMessage(`${name}: ${action} done`);
    } catch (e) {
      setMessage(`${name}: ${action} refused: ${(e as Error).message}`);
    }
    queues.reload();
  };
  return (
    <section aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      {message && <p role="status">{message}</p>}
      {queues.error && (
        <p role="alert" class="error">
          {queues.error.message}
        </p>
      )}
      {queues.data && (
        <table class="data" data-testid="queues">
          <caption>Jobs per state</caption>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              {STATES.map((s) => (
                <th key={s} scope="col" class="num">
                  {s}
                </th>
              ))}
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {queues.data.queues.map((q) => (
              <tr key={q.name}>
                <td>
                  {q.name}
                  {q.paused && <strong> (paused)</strong>}
                </td>
                {STATES.map((s) => (
                  <td key={s} class="num">
                    {num(q.counts[s])}
                  </td>
                ))}
                <td class="actions">
                  <button type="button" onClick={() => void act(q.name, q.paused ? 'resume' : 'pause')}>
                    {q.paused ? 'Resume' : 'Pause'} {q.name}
                  </button>
                  <button
                    type="button"
                    disabled={!q.counts.failed}
                    onClick={() => void act(q.name, 'retry-failed')}
                  >
                    Retry failed {q.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Workers() {
  const workers = useLoad(() => get<WorkerList>('/admin/workers'), [], POLL_MS);
  return (
    <section aria-labelledby="workers-title">
      <h2 id="workers-title">Workers</h2>
      {workers.error && (
        <p role="alert" class="error">
          {workers.error.message}
        </p>
      )}
      {workers.data && workers.data.workers.length === 0 && <p>No live worker.</p>}
      {workers.data && workers.data.workers.length > 0 && (
        <table class="data" data-testid="workers">
          <caption>Live workers (a heartbeat in the last 30 s)</caption>
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">Role</th>
              <th scope="col">Engine</th>
              <th scope="col" class="num">
                Concurrency
              </th>
              <th scope="col" class="num">
                Beats/s
              </th>
              <th scope="col">Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {workers.data.workers.map((w) => (
              <tr key={w.name}>
                <td>
                  {w.host} #{w.pid}
                  {!w.connected && ' (not connected)'}
                </td>
                <td>{w.role}</td>
                <td>{w.engine}</td>
                <td class="num">{w.concurrency ?? '—'}</td>
                <td class="num">{num(w.beatsPerSecond)}</td>
                <td>{when(w.lastHeartbeat ?? undefined)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Keys() {
  const keys = useLoad(() => get<ApiKeyList>('/admin/keys'), []);
  const [role, setRole] = useState('analyst');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      setCreated(await api<CreatedApiKey>('POST', '/admin/keys', { role, name }));
      setName('');
    } catch (err) {
      setMessage(`Refused: ${(err as Error).message}`);
    }
    keys.reload();
  };
  const revoke = async (id: string) => {
    try {
      await api('POST', `/admin/keys/${enc(id)}/revoke`);
      setMessage(`Key ${id} revoked.`);
    } catch (err) {
      setMessage(`Refused: ${(err as Error).message}`);
    }
    keys.reload();
  };
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <form class="inline" onSubmit={create} aria-label="Create an API key">
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
            <option>analyst</option>
            <option>operator</option>
            <option>admin</option>
          </select>
        </label>
        <label>
          Name{' '}
          <input
            value={name}
            maxLength={200}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Create key</button>
      </form>
      {created && (
        <p role="status" class="message">
          Key for {created.info.role} {created.info.name || created.info.id} — shown this once:{' '}
          <code data-testid="new-key">{created.key}</code>
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {keys.error && (
        <p role="alert" class="error">
          {keys.error.message}
        </p>
      )}
      {keys.data && (
        <table class="data" data-testid="keys">
          <caption>Every key (revoked ones too); secrets are never shown again</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Revoked</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.keys.map((k) => (
              <tr key={k.id}>
                <td>
                  <code>{k.id}</code>
                </td>
                <td>{k.name}</td>
                <td>{k.role}</td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.revokedAt)}</td>
                <td>
                  {!k.revokedAt && (
                    <button type="button" onClick={() => void revoke(k.id)}>
                      Revoke {k.id}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
