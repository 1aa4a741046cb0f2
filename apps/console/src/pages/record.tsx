/** One record: its headline figures, the Holter report in the page, the ECG viewer, downloads. */
import type { RecordSummary } from '@holterflow/contracts';
import { enc, get } from '../api.js';
import { EcgViewer } from '../ecg-viewer.js';
import { duration, num, pct } from '../format.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';

export function RecordPage({ runId, recordId, at }: { runId: string; recordId: string; at?: number }) {
  const base = `/runs/${enc(runId)}/records/${enc(recordId)}`;
  const summary = useLoad(() => get<RecordSummary>(`${base}/summary`), [base]);
  const s = summary.data;
  const h = s?.holter;
  return (
    <main id="main" tabIndex={-1}>
      <p class="crumbs">
        <a href={href.runs()}>Runs</a> / <a href={href.run(runId)}>{runId}</a> / {recordId}
      </p>
      <h1>Record {recordId}</h1>
      {summary.error && (
        <p role="alert" class="error">
          {summary.error.message}
        </p>
      )}
      {s && (
        <>
          <dl class="counts" data-testid="record-counts">
            <div>
              <dt>Duration</dt>
              <dd>{duration(s.durationSeconds)}</dd>
            </div>
            <div>
              <dt>Beats</dt>
              <dd>{num(s.beats)}</dd>
            </div>
            {(['N', 'S', 'V', 'F', 'Q'] as const).map((c) => (
              <div key={c}>
                <dt>{c}</dt>
                <dd>
                  {num(s.classCounts[c])} ({pct(s.burden[c] * 100, 2)})
                </dd>
              </div>
            ))}
            <div>
              <dt>Mean HR</dt>
              <dd>{num(s.meanHeartRateBpm)} bpm</dd>
            </div>
            {h && (
              <div>
                <dt>V runs</dt>
                <dd>{h.ventricular.runs.count}</dd>
              </div>
            )}
            {h && (
              <div>
                <dt>Pauses</dt>
                <dd>{h.pauses.count}</dd>
              </div>
            )}
            {h && (
              <div>
                <dt>AF burden</dt>
                <dd>{pct(h.atrialFibrillation.burdenPercent)}</dd>
              </div>
            )}
            <div>
              <dt>Unanalysable</dt>
              <dd>{duration(s.unreadableSeconds)}</dd>
            </div>
          </dl>
          <p class="downloads">
            Beats:{' '}
            <a href={`${base}/beats?format=csv`} download>
              CSV
            </a>{' '}
            ·{' '}
            <a href={`${base}/beats?format=parquet`} download>
              Parquet
            </a>{' '}
            — Report:{' '}
            <a href={`${base}/report`} download={`${recordId}-report.html`}>
              HTML
            </a>{' '}
            ·{' '}
            <a href={`${base}/report.pdf`} download>
              PDF
            </a>
          </p>
          <EcgViewer runId={runId} recordId={recordId} holter={h} durationS={s.durationSeconds} at={at} />
          <section class="report" aria-labelledby="report-title">
            <h2 id="report-title">Holter report</h2>
            {/* Sandboxed: the report runs its own drawing script and needs nothing of the console. */}
            <iframe
              title={`Holter report of record ${recordId}`}
              src={`${base}/report`}
              sandbox="allow-scripts"
            />
          </section>
        </>
      )}
    </main>
  );
}
