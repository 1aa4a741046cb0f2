/** `run --wait` progress: bars on a terminal (records, and beats against the estimate so far); lines in logs. */
import { MultiBar, Presets } from 'cli-progress';
import type { RunStatus } from '@holterflow/contracts';

export function progressReporter(): { update(p: RunStatus): void; stop(): void } {
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update: (p) => {
        if (Date.now() - last < 10_000 && p.state === 'running') return;
        last = Date.now();
        console.error(
          `${p.state}: ${p.records.done + p.records.failed}/${p.records.total} records, ${p.beats} beats, ` +
            `windows ${p.windows.done}/${p.windows.total}`,
        );
      },
      stop: () => {},
    };
  }
  const bars = new MultiBar(
    {
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      format: '{what} [{bar}] {value}/{total} {unit} {extra}',
    },
    Presets.shades_classic,
  );
  const records = bars.create(1, 0, { what: 'records', unit: 'finished', extra: '' });
  const beats = bars.create(1, 0, { what: 'beats  ', unit: '(estimated total)', extra: '' });
  return {
    update: (p) => {
      records.setTotal(Math.max(1, p.records.total));
      records.update(p.records.done + p.records.failed, {
        extra: p.records.failed ? `(${p.records.failed} failed)` : '',
      });
      // Beats per window so far × all windows: the total is known only at the end.
      const estimate =
        p.windows.done > 0 ? Math.round((p.beats / p.windows.done) * p.windows.total) : Math.max(1, p.beats);
      beats.setTotal(Math.max(estimate, p.beats, 1));
      beats.update(p.beats, {
        extra: p.throughput
          ? `${p.throughput.beatsPerSecond.toFixed(0)} beats/s, ETA ${p.etaSeconds === null ? '-' : `${Math.round(p.etaSeconds)} s`}`
          : '',
      });
    },
    stop: () => bars.stop(),
  };
}
