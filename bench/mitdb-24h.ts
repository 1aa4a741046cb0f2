/**
 * A 24-hour two-lead 360 Hz recording made of real MIT-BIH signal, for format benchmarks:
 * records are concatenated in order (lead 0 → "MLII", lead 1 → "V") until 24 h are filled.
 * Uses the full database when present, else the five test fixtures (repeated).
 */
import { FULL_MITDB_DIR } from '../test/support/mitdb.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AamiClass } from '@holterflow/contracts';
import { readWfdbRecord, type EcgRecording } from '@holterflow/formats';

const SHARED = FULL_MITDB_DIR;
const FIXTURES = new URL('../test/fixtures/mitdb/', import.meta.url).pathname;

export function mitdbDir(): string {
  return existsSync(SHARED) ? SHARED : FIXTURES;
}

export function build24hRecording(dir = mitdbDir(), hours = 24): EcgRecording {
  const fs = 360;
  const total = Math.round(hours * 3600 * fs);
  const leads = [new Float32Array(total), new Float32Array(total)];
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith('.hea'))
    .map((f) => f.slice(0, -4))
    .sort();
  let filled = 0;
  for (let k = 0; filled < total; k++) {
    const rec = readWfdbRecord(join(dir, `${ids[k % ids.length]}.hea`));
    const n = Math.min(rec.signals[0].length, total - filled);
    leads[0].set(rec.signals[0].subarray(0, n), filled);
    leads[1].set(rec.signals[1].subarray(0, n), filled);
    filled += n;
  }
  return {
    recordId: 'mitdb24h',
    fs,
    leads: ['MLII', 'V'],
    signals: leads,
    source: 'wfdb:212',
    start: undefined,
  };
}

/**
 * The reference beats of the same concatenation as build24hRecording (same records, same order,
 * each shifted to where its signal was put), for benchmarks that need ~100,000 real beats.
 */
export function build24hReferenceBeats(
  dir = mitdbDir(),
  hours = 24,
): { samples: Int32Array; classes: AamiClass[] } {
  const fs = 360;
  const total = Math.round(hours * 3600 * fs);
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith('.hea'))
    .map((f) => f.slice(0, -4))
    .sort();
  const samples: number[] = [];
  const classes: AamiClass[] = [];
  let filled = 0;
  for (let k = 0; filled < total; k++) {
    const rec = readWfdbRecord(join(dir, `${ids[k % ids.length]}.hea`));
    const n = Math.min(rec.signals[0].length, total - filled);
    for (const b of rec.beats ?? [])
      if (b.sample < n && (samples.length === 0 || filled + b.sample > samples[samples.length - 1])) {
        samples.push(filled + b.sample);
        classes.push(b.aami);
      }
    filled += n;
  }
  return { samples: Int32Array.from(samples), classes };
}
