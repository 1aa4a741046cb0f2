/**
 * The annotated WFDB records a command works through (`--records` or every annotated record of
 * the directory) and the progress bar over them, shared by `qrs-eval` and `dataset build`.
 */
import { Presets, SingleBar } from 'cli-progress';
import { annotatedRecords } from '@holterflow/training';

/** Record ids from `--records a,b,c`, or every record with .hea and .atr in `dir`; never empty. */
export function selectRecords(dir: string, records?: string): string[] {
  const ids = records
    ? records
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : annotatedRecords(dir);
  if (ids.length === 0) throw new Error(`no annotated WFDB records in ${dir}`);
  return ids;
}

/** A bar over `total` records naming the current one; cleared when stopped. */
export function recordBar(
  label: string,
  total: number,
): { at(id: string): void; done(): void; stop(): void } {
  const bar = new SingleBar(
    { format: `${label} [{bar}] {value}/{total} {record}`, clearOnComplete: true },
    Presets.shades_classic,
  );
  bar.start(total, 0, { record: '' });
  return {
    at: (id) => bar.update({ record: id }),
    done: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
