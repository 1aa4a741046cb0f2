/**
 * Runs, newest first, with live progress of the ones still going (records, beats, ETA); an
 * operator starts a run here and cancels or retries failed records.
 */
import { useState } from 'preact/hooks';
import type { RunList, RunListEntry, RunStatus } from '@holterflow/contracts';
import { api, enc, get } from '../api.js';
import { duration, num, when } from '../format.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { SubmitRunForm } from './submit-run.js';

const POLL_MS = 2000;

interface Row {
  entry: RunListEntry;
  status?: RunStatus;
}

async function loadRuns(): Promise<Row[]> {
  const list = await get<RunList>('/runs?limit=100');
  // Progress of the runs still going; finished ones need only what the list says.
  return Promise.all(
    list.runs.map(async (entry) => {
      const open = !entry.completedAt && !entry.cancelledAt;
      return {
        entry,
        status: open ? await get<RunStatus>(`/runs/${enc(entry.runId)}`).catch(() => undefined) : undefined,
      };
    }),
  );
}

function stateOf(row: Row): string {
  if (row.status) return row.status.state;
  if (row.entry.cancelledAt) return 'cancelled';
  return row.entry.completedAt ? 'completed' : 'running';
}

export function RunsPage() {
  const session = useSession();
  const runs = useLoad(loadRuns, [], POLL_MS);
  const [message, setMessage] = useState<string | undefined>();
  const act = async (what: string, path: string) => {
    try {
      const answer = await api<Record<string, unknown>>('POST', path);
      setMessage(`${what}: ${JSON.stringify(answer)}`);
    } catch (e) {
      setMessage(`${what} refused: ${(e as Error).message}`);
    }
    runs.reload();
  };
  return (
    <main id="main" tabIndex={-1}>
      <h1>Runs</h1>
      {can.operate(session.role) && <SubmitRunForm onSubmitted={runs.reload} />}
      {message && (
        <p role="status" class="message">
          {message}
        </p>
      )}
      {runs.error && (
        <p role="alert" class="error">
          {runs.error.message}
        </p>
      )}
      {runs.data && runs.data.length === 0 && <p>No runs yet.</p>}
      {runs.data && runs.data.length > 0 && (
        <table class="data" data-testid="runs">
          <caption>Runs, newest first (progress refreshes every {POLL_MS / 1000} s)</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">State</th>
              <th scope="col" class="num">
                Records
              </th>
              <th scope="col" class="num">
                Beats
              </th>
              <th scope="col">ETA</th>
              <th scope="col">Model</th>
              <th scope="col">Created</th>
              {can.operate(session.role) && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {runs.data.map((row) => {
              const { entry, status } = row;
              const state = stateOf(row);
              return (
                <tr key={entry.runId} data-run={entry.runId} data-state={state}>
                  <td>
                    {can.read(session.role) ? <a href={href.run(entry.runId)}>{entry.runId}</a> : entry.runId}
                  </td>
                  <td>
                    <span class={`state ${state}`}>{state}</span>
                  </td>
                  <td class="num">
                    {status ? (
                      <>
                        <progress
                          max={status.records.total}
                          value={status.records.done + status.records.failed}
                          aria-label={`records of ${entry.runId} done`}
                        />{' '}
                        {status.records.done}/{status.records.total}
                        {status.records.failed > 0 && ` (${status.records.failed} failed)`}
                      </>
                    ) : (
                      <>
                        {entry.records}
                        {entry.rejected > 0 && ` (+${entry.rejected} rejected)`}
                      </>
                    )}
                  </td>
                  <td class="num">{status ? num(status.beats) : '—'}</td>
                  <td>{status?.etaSeconds != null ? duration(status.etaSeconds) : '—'}</td>
                  <td>{entry.model}</td>
                  <td>{when(entry.createdAt)}</td>
                  {can.operate(session.role) && (
                    <td class="actions">
                      {state === 'running' || state === 'planning' ? (
                        <button
                          type="button"
                          onClick={() => act('cancel', `/runs/${enc(entry.runId)}/cancel`)}
                        >
                          Cancel
                        </button>
                      ) : null}
                      {status && status.records.failed > 0 ? (
                        <button
                          type="button"
                          onClick={() => act('retry failed', `/runs/${enc(entry.runId)}/retry-failed`)}
                        >
                          Retry failed
                        </button>
                      ) : null}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </main>
  );
}
