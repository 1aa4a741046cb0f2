/**
 * One run: counts at the top, the records table from the run's summary table (sortable,
 * filterable by burden per class, V runs, pauses, AF burden, failed), the run's CSV / Parquet.
 * Before the run completes the table lists the records' states instead.
 */
import { useMemo, useState } from 'preact/hooks';
import type { RecordList, RecordStatus, RunStatus } from '@holterflow/contracts';
import { ApiError, enc, get, request } from '../api.js';
import { cellNumber, parseCsv } from '../csv.js';
import { num, pct, when } from '../format.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';
import { SortableTable, type Column } from '../table.js';

const CLASSES = ['N', 'S', 'V', 'F', 'Q'] as const;

export interface SummaryRow {
  recordId: string;
  status: string;
  beats: number | null;
  /** Per class, 0-100 (summary.csv has fractions). */
  burden: Record<string, number | null>;
  meanHr: number | null;
  vRuns: number | null;
  pauses: number | null;
  longestPause: number | null;
  afBurden: number | null;
  error: string;
}

export function summaryRows(csv: string): SummaryRow[] {
  return parseCsv(csv).map((r) => ({
    recordId: r.record_id,
    status: r.status,
    beats: cellNumber(r, 'beats'),
    burden: Object.fromEntries(
      CLASSES.map((c) => {
        const f = cellNumber(r, `burden_${c}`);
        return [c, f === null ? null : f * 100];
      }),
    ),
    meanHr: cellNumber(r, 'mean_hr_bpm'),
    vRuns: cellNumber(r, 'count_v_runs'),
    pauses: cellNumber(r, 'count_pauses'),
    longestPause: cellNumber(r, 'longest_pause_s'),
    afBurden: cellNumber(r, 'af_burden_pct'),
    error: r.error,
  }));
}

interface Filters {
  burdenClass: string;
  burdenMin: number;
  vRuns: boolean;
  pauses: boolean;
  afMin: number;
  status: 'all' | 'complete' | 'failed';
  text: string;
}

const NO_FILTER: Filters = {
  burdenClass: 'V',
  burdenMin: 0,
  vRuns: false,
  pauses: false,
  afMin: 0,
  status: 'all',
  text: '',
};

export function applyFilters(rows: SummaryRow[], f: Filters): SummaryRow[] {
  return rows.filter(
    (r) =>
      (f.status === 'all' || (f.status === 'complete' ? r.status === 'complete' : r.status !== 'complete')) &&
      (!f.text || r.recordId.includes(f.text)) &&
      (f.burdenMin <= 0 || (r.burden[f.burdenClass] ?? -1) >= f.burdenMin) &&
      (!f.vRuns || (r.vRuns ?? 0) > 0) &&
      (!f.pauses || (r.pauses ?? 0) > 0) &&
      (f.afMin <= 0 || (r.afBurden ?? -1) >= f.afMin),
  );
}

function columns(runId: string): Column<SummaryRow>[] {
  return [
    {
      key: 'record',
      label: 'Record',
      value: (r) => r.recordId,
      render: (r) =>
        r.status === 'complete' ? <a href={href.record(runId, r.recordId)}>{r.recordId}</a> : r.recordId,
    },
    { key: 'status', label: 'Status', value: (r) => r.status },
    { key: 'beats', label: 'Beats', numeric: true, value: (r) => r.beats, render: (r) => num(r.beats) },
    ...CLASSES.map((c): Column<SummaryRow> => ({
      key: `burden_${c}`,
      label: `${c} %`,
      title: `${c} beats as % of all beats`,
      numeric: true,
      value: (r) => r.burden[c],
      render: (r) => num(r.burden[c], 2),
    })),
    { key: 'hr', label: 'Mean HR', numeric: true, value: (r) => r.meanHr, render: (r) => num(r.meanHr) },
    { key: 'vruns', label: 'V runs', numeric: true, value: (r) => r.vRuns },
    { key: 'pauses', label: 'Pauses', numeric: true, value: (r) => r.pauses },
    {
      key: 'pause',
      label: 'Longest pause (s)',
      numeric: true,
      value: (r) => r.longestPause,
      render: (r) => num(r.longestPause, 1),
    },
    { key: 'af', label: 'AF %', numeric: true, value: (r) => r.afBurden, render: (r) => pct(r.afBurden) },
    { key: 'error', label: 'Error', value: (r) => r.error || null, render: (r) => r.error || '' },
  ];
}

async function loadTable(runId: string): Promise<SummaryRow[] | null> {
  try {
    return summaryRows(await (await request('GET', `/runs/${enc(runId)}/summary.csv`)).text());
  } catch (e) {
    // 404: not written yet (the run goes on); the records' states are shown instead.
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function RunPage({ runId }: { runId: string }) {
  const status = useLoad(() => get<RunStatus>(`/runs/${enc(runId)}`), [runId], 3000);
  const completed = status.data?.state === 'completed';
  // summary.csv exists once the run completes; asking earlier would only be a 404.
  const table = useLoad(() => (completed ? loadTable(runId) : Promise.resolve(null)), [runId, completed]);
  const [filters, setFilters] = useState<Filters>(NO_FILTER);
  const rows = useMemo(() => (table.data ? applyFilters(table.data, filters) : []), [table.data, filters]);
  const cols = useMemo(() => columns(runId), [runId]);
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setFilters((f) => ({ ...f, [k]: v }));
  const s = status.data;
  const all = table.data ?? [];
  return (
    <main id="main" tabIndex={-1}>
      <p class="crumbs">
        <a href={href.runs()}>Runs</a> / {runId}
      </p>
      <h1>Run {runId}</h1>
      {status.error && (
        <p role="alert" class="error">
          {status.error.message}
        </p>
      )}
      {s && (
        <dl class="counts" data-testid="counts">
          <div>
            <dt>State</dt>
            <dd>{s.state}</dd>
          </div>
          <div>
            <dt>Records</dt>
            <dd>{s.records.total}</dd>
          </div>
          <div>
            <dt>Done</dt>
            <dd>{s.records.done}</dd>
          </div>
          <div>
            <dt>Failed</dt>
            <dd>{s.records.failed}</dd>
          </div>
          <div>
            <dt>Beats</dt>
            <dd>{num(s.beats)}</dd>
          </div>
          <div>
            <dt>With V runs</dt>
            <dd>{all.filter((r) => (r.vRuns ?? 0) > 0).length}</dd>
          </div>
          <div>
            <dt>With pauses</dt>
            <dd>{all.filter((r) => (r.pauses ?? 0) > 0).length}</dd>
          </div>
          <div>
            <dt>With AF</dt>
            <dd>{all.filter((r) => (r.afBurden ?? 0) > 0).length}</dd>
          </div>
          <div>
            <dt>Model</dt>
            <dd>{s.model}</dd>
          </div>
          <div>
            <dt>Completed</dt>
            <dd>{when(s.completedAt)}</dd>
          </div>
        </dl>
      )}
      {completed && (
        <p class="downloads">
          Download the run's table:{' '}
          <a href={`/runs/${enc(runId)}/summary.csv`} download>
            CSV
          </a>{' '}
          ·{' '}
          <a href={`/runs/${enc(runId)}/summary.parquet`} download>
            Parquet
          </a>
        </p>
      )}
      {table.error && (
        <p role="alert" class="error">
          {table.error.message}
        </p>
      )}
      {table.data && (
        <>
          <form class="filters" aria-label="Filter records" onSubmit={(e) => e.preventDefault()}>
            <label>
              Record{' '}
              <input
                type="search"
                value={filters.text}
                onInput={(e) => set('text', (e.target as HTMLInputElement).value)}
              />
            </label>
            <label>
              Burden of{' '}
              <select
                value={filters.burdenClass}
                onChange={(e) => set('burdenClass', (e.target as HTMLSelectElement).value)}
              >
                {CLASSES.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
            <label>
              at least (%){' '}
              <input
                type="number"
                min={0}
                max={100}
                step={0.1}
                value={filters.burdenMin}
                onInput={(e) => set('burdenMin', Number((e.target as HTMLInputElement).value))}
              />
            </label>
            <label>
              <input
                type="checkbox"
                checked={filters.vRuns}
                onChange={(e) => set('vRuns', (e.target as HTMLInputElement).checked)}
              />{' '}
              V runs
            </label>
            <label>
              <input
                type="checkbox"
                checked={filters.pauses}
                onChange={(e) => set('pauses', (e.target as HTMLInputElement).checked)}
              />{' '}
              pauses
            </label>
            <label>
              AF burden at least (%){' '}
              <input
                type="number"
                min={0}
                max={100}
                step={0.1}
                value={filters.afMin}
                onInput={(e) => set('afMin', Number((e.target as HTMLInputElement).value))}
              />
            </label>
            <label>
              Status{' '}
              <select
                value={filters.status}
                onChange={(e) => set('status', (e.target as HTMLSelectElement).value as Filters['status'])}
              >
                <option value="all">all</option>
                <option value="complete">complete</option>
                <option value="failed">failed</option>
              </select>
            </label>
          </form>
          <p role="status" data-testid="shown">
            {rows.length} of {all.length} records shown
          </p>
          <SortableTable
            caption="Records of the run"
            columns={cols}
            rows={rows}
            rowKey={(r) => r.recordId}
            testId="records"
          />
        </>
      )}
      {s && !completed && <RecordStates runId={runId} />}
    </main>
  );
}

function RecordStates({ runId }: { runId: string }) {
  const records = useLoad(() => get<RecordList>(`/runs/${enc(runId)}/records?limit=1000`), [runId], 3000);
  const cols: Column<RecordStatus>[] = [
    { key: 'record', label: 'Record', value: (r) => r.recordId },
    { key: 'state', label: 'State', value: (r) => r.state },
    {
      key: 'windows',
      label: 'Windows done',
      numeric: true,
      value: (r) => r.windows.done,
      render: (r) => `${r.windows.done}/${r.windows.total}`,
    },
    { key: 'beats', label: 'Beats', numeric: true, value: (r) => r.beats, render: (r) => num(r.beats) },
    { key: 'error', label: 'Error', value: (r) => r.error ?? null, render: (r) => r.error ?? '' },
  ];
  return (
    <>
      <p>The records table appears when the run completes; until then, each record's state:</p>
      {records.data && (
        <SortableTable
          caption="Records and their state"
          columns={cols}
          rows={records.data.records}
          rowKey={(r) => r.recordId}
        />
      )}
    </>
  );
}
