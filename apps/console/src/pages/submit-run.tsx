/** The operator's form for POST /runs: recordings by prefix or list, model, window length. */
import { useState } from 'preact/hooks';
import type { ModelListing, RunRequestInput, SubmitAnswer } from '@holterflow/contracts';
import { api, get } from '../api.js';
import { useLoad } from '../hooks.js';

/** WINDOW_SECONDS of libs/contracts: 60 s to 24 h, multiples of 10 s. */
const WINDOWS = [300, 600, 1800, 3600, 7200];

export function SubmitRunForm({ onSubmitted }: { onSubmitted: () => void }) {
  const models = useLoad(() => get<ModelListing>('/models'), []);
  const health = useLoad(() => get<{ s3: { bucket: string } }>('/health').catch(() => undefined), []);
  const [by, setBy] = useState<'prefix' | 'list'>('prefix');
  const [bucket, setBucket] = useState('');
  const [prefix, setPrefix] = useState('');
  const [list, setList] = useState('');
  const [model, setModel] = useState('');
  const [windowSeconds, setWindowSeconds] = useState(1800);
  const [answer, setAnswer] = useState<SubmitAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setAnswer(undefined);
    const body: RunRequestInput = {
      bucket: bucket || health.data?.s3.bucket || '',
      ...(by === 'prefix' ? { prefix } : { recordings: list.split(/[\s,]+/).filter(Boolean) }),
      ...(model ? { model } : {}),
      options: { windowSeconds },
    };
    try {
      setAnswer(await api<SubmitAnswer>('POST', '/runs', body));
      onSubmitted();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const value = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return (
    <form class="submit-run" onSubmit={submit} aria-labelledby="submit-run-title">
      <h2 id="submit-run-title">Start a run</h2>
      <div class="row">
        <label for="run-bucket">Bucket</label>
        <input
          id="run-bucket"
          value={bucket}
          placeholder={health.data?.s3.bucket}
          onInput={value(setBucket)}
        />
      </div>
      <fieldset>
        <legend>Recordings</legend>
        <label>
          <input type="radio" name="by" checked={by === 'prefix'} onChange={() => setBy('prefix')} /> under a
          prefix
        </label>
        <label>
          <input type="radio" name="by" checked={by === 'list'} onChange={() => setBy('list')} /> a list of
          keys
        </label>
        {by === 'prefix' ? (
          <div class="row">
            <label for="run-prefix">Prefix</label>
            <input
              id="run-prefix"
              value={prefix}
              placeholder="e.g. lab-a/2026-11/"
              onInput={value(setPrefix)}
            />
          </div>
        ) : (
          <div class="row">
            <label for="run-list">Recording keys (one per line)</label>
            <textarea id="run-list" rows={4} value={list} onInput={value(setList)} />
          </div>
        )}
      </fieldset>
      <div class="row">
        <label for="run-model">Model</label>
        <select id="run-model" value={model} onChange={value(setModel)}>
          <option value="">default ({models.data?.defaultVersion ?? 'none'})</option>
          {models.data?.versions
            .filter((v) => v.usable)
            .map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}
                {v.protocol ? ` — ${v.protocol}` : ''}
              </option>
            ))}
        </select>
      </div>
      <div class="row">
        <label for="run-window">Window length</label>
        <select
          id="run-window"
          value={windowSeconds}
          onChange={(e) => setWindowSeconds(Number((e.target as HTMLSelectElement).value))}
        >
          {WINDOWS.map((w) => (
            <option key={w} value={w}>
              {w >= 3600 ? `${w / 3600} h` : `${w / 60} min`}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Start run</button>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {answer && (
        <p role="status" class="message" data-testid="submitted">
          Run <strong>{answer.runId}</strong> {answer.outcome}: {answer.records} records
          {answer.rejected.length > 0 &&
            `, ${answer.rejected.length} rejected (${answer.rejected.map((r) => `${r.recordId}: ${r.error}`).join('; ')})`}
        </p>
      )}
    </form>
  );
}
