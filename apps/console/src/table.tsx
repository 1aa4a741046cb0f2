/**
 * A sortable table: a click (or Enter / Space) on a column header sorts by it, again to reverse.
 * Hand-rolled (a grid library would weigh more than the whole page). Past WINDOW_FROM rows only
 * the rows in view (and a margin) are in the DOM, in a scrolling box with spacer rows for the
 * rest: on 1,000 records, laying out all 14,000 cells again took most of a sort's time
 * (bench/console.ts), and the rows in view are what a reader sees anyway.
 */
import { Component, type ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

/** Tables longer than this render a window of rows (all rows are one line: ROW_PX tall). */
const WINDOW_FROM = 200;
const ROW_PX = 25;
const OVERSCAN = 20;

declare global {
  interface Window {
    __table?: { rows: number; sort: string | null; at: number };
  }
}

export interface Column<R> {
  key: string;
  label: string;
  /** The value sorted by: numbers numerically, null/undefined last, the rest as text. */
  value: (row: R) => number | string | null | undefined;
  render?: (row: R) => ComponentChildren;
  numeric?: boolean;
  title?: string;
}

export interface SortState {
  key: string;
  dir: 'asc' | 'desc';
}

function compare(a: unknown, b: unknown): number {
  const missingA = a === null || a === undefined || a === '';
  const missingB = b === null || b === undefined || b === '';
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

export function SortableTable<R>(props: {
  caption: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  initialSort?: SortState;
  testId?: string;
}) {
  const [sort, setSort] = useState<SortState | undefined>(props.initialSort);
  const sorted = useMemo(() => {
    if (!sort) return props.rows;
    const col = props.columns.find((c) => c.key === sort.key);
    if (!col) return props.rows;
    const sign = sort.dir === 'asc' ? 1 : -1;
    // Missing values stay last whichever the direction.
    return [...props.rows].sort((x, y) => {
      const a = col.value(x);
      const b = col.value(y);
      const missing = (v: unknown) => v === null || v === undefined || v === '';
      if (missing(a) || missing(b)) return compare(a, b);
      return sign * compare(a, b);
    });
  }, [props.rows, props.columns, sort]);
  // When the rows last reached the page, since navigation start (bench/console.ts reads it).
  useEffect(() => {
    window.__table = {
      rows: sorted.length,
      sort: sort ? `${sort.key} ${sort.dir}` : null,
      at: performance.now(),
    };
  }, [sorted, sort]);
  const toggle = (key: string) =>
    setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'desc' }));
  const windowed = sorted.length > WINDOW_FROM;
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  useEffect(() => {
    if (!windowed || !box.current) return;
    const el = box.current;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    el.addEventListener('scroll', update, { passive: true });
    return () => el.removeEventListener('scroll', update);
  }, [windowed]);
  const first = windowed ? Math.max(0, Math.floor(view.top / ROW_PX) - OVERSCAN) : 0;
  const last = windowed
    ? Math.min(sorted.length, Math.ceil((view.top + view.height) / ROW_PX) + OVERSCAN)
    : sorted.length;
  const span = props.columns.length;
  const table = (
    <table
      class={windowed ? 'data windowed' : 'data'}
      data-testid={props.testId}
      aria-rowcount={windowed ? sorted.length + 1 : undefined}
    >
      <caption>{props.caption}</caption>
      <thead>
        <tr aria-rowindex={windowed ? 1 : undefined}>
          {props.columns.map((c) => {
            const state = sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';
            return (
              <th key={c.key} scope="col" aria-sort={state} class={c.numeric ? 'num' : undefined}>
                <button type="button" class="sort" title={c.title} onClick={() => toggle(c.key)}>
                  {c.label}
                  <span aria-hidden="true">
                    {state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}
                  </span>
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {first > 0 && (
          <tr aria-hidden="true" class="spacer">
            <td colSpan={span} style={{ height: `${first * ROW_PX}px` }} />
          </tr>
        )}
        {sorted.slice(first, last).map((row, i) => (
          <Row
            key={props.rowKey(row)}
            row={row}
            columns={props.columns}
            index={windowed ? first + i + 2 : undefined}
          />
        ))}
        {last < sorted.length && (
          <tr aria-hidden="true" class="spacer">
            <td colSpan={span} style={{ height: `${(sorted.length - last) * ROW_PX}px` }} />
          </tr>
        )}
      </tbody>
    </table>
  );
  if (!windowed) return table;
  return (
    <div
      class="table-window"
      ref={box}
      tabIndex={0}
      role="region"
      aria-label={`${props.caption}: ${sorted.length} rows, scroll for more`}
    >
      {table}
    </div>
  );
}

/**
 * A row renders again only when its data or the columns change: a sort then only moves rows,
 * which on 1,000 records halved the time to the sorted table (bench/console.ts).
 */
interface RowProps<R> {
  row: R;
  columns: Column<R>[];
  /** aria-rowindex in a windowed table (the header is row 1). */
  index?: number;
}

class Row<R> extends Component<RowProps<R>> {
  override shouldComponentUpdate(next: RowProps<R>): boolean {
    return (
      next.row !== this.props.row || next.columns !== this.props.columns || next.index !== this.props.index
    );
  }

  override render() {
    const { row, columns, index } = this.props;
    return (
      <tr aria-rowindex={index}>
        {columns.map((c) => (
          <td key={c.key} class={c.numeric ? 'num' : undefined}>
            {c.render ? c.render(row) : (c.value(row) ?? '—')}
          </td>
        ))}
      </tr>
    );
  }
}
