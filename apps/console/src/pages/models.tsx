/** The model registry: each version's protocol and figures; an admin makes one the default. */
import { useState } from 'preact/hooks';
import type { DefaultModelAnswer, ModelListing } from '@holterflow/contracts';
import { api, get } from '../api.js';
import { num, pct, when } from '../format.js';
import { useLoad } from '../hooks.js';
import { can, useSession } from '../session.js';

export function ModelsPage() {
  const session = useSession();
  const models = useLoad(() => get<ModelListing>('/models'), []);
  const [message, setMessage] = useState<string | undefined>();
  const promote = async (version: string) => {
    try {
      const answer = await api<DefaultModelAnswer>('PUT', '/models/default', {
        version,
      });
      setMessage(`${answer.default} is the default for new runs (was ${answer.previous ?? 'none'}).`);
    } catch (e) {
      setMessage(`Refused: ${(e as Error).message}`);
    }
    models.reload();
  };
  const m = models.data;
  return (
    <main id="main" tabIndex={-1}>
      <h1>Models</h1>
      {models.error && (
        <p role="alert" class="error">
          {models.error.message}
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {m && (
        <>
          <p>
            Default for new runs: <strong>{m.defaultVersion ?? 'none'}</strong>
            {m.problems.length > 0 && ` (${m.problems.join('; ')})`}
          </p>
          <table class="data" data-testid="models">
            <caption>Model versions in the bucket</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Protocol</th>
                <th scope="col" class="num">
                  Test accuracy
                </th>
                <th scope="col" class="num">
                  Macro-F1
                </th>
                <th scope="col" class="num">
                  Epochs (best)
                </th>
                <th scope="col">Published</th>
                <th scope="col">Note</th>
                {can.administer(session.role) && <th scope="col">Default</th>}
              </tr>
            </thead>
            <tbody>
              {m.versions.map((v) => (
                <tr key={v.version}>
                  <td>
                    {v.version}
                    {v.isDefault && <strong> (default)</strong>}
                    {!v.usable && ' (not usable)'}
                  </td>
                  <td>{v.protocol ?? '—'}</td>
                  <td class="num">{v.accuracy === null ? '—' : pct(v.accuracy * 100, 2)}</td>
                  <td class="num">{num(v.macroF1, 3)}</td>
                  <td class="num">
                    {num(v.epochs)} ({num(v.bestEpoch)}){v.complete === false && ' interim'}
                  </td>
                  <td>{when(v.lastModified ?? undefined)}</td>
                  <td>
                    {v.note ?? ''}
                    {v.problems.length > 0 && <span class="error"> {v.problems.join('; ')}</span>}
                  </td>
                  {can.administer(session.role) && (
                    <td>
                      {v.isDefault ? (
                        'default'
                      ) : (
                        <button type="button" disabled={!v.usable} onClick={() => void promote(v.version)}>
                          Make default
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
