/**
 * A sortable table: a click (or Enter / Space) on a column header sorts by it, again to reverse.
 * Hand-rolled: the console's tables are a few thousand rows at most, plain rows render them in
 * well under the 1 s budget (bench/console.ts), and a grid library would weigh more than the page.
 */
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';

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
  const toggle = (key: string) =>
    setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'desc' }));
  return (
    <table class="data" data-testid={props.testId}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
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
        {sorted.map((row) => (
          <tr key={props.rowKey(row)}>
            {props.columns.map((c) => (
              <td key={c.key} class={c.numeric ? 'num' : undefined}>
                {c.render ? c.render(row) : (c.value(row) ?? '—')}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
