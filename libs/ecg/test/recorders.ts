/**
 * Test helpers that turn an MIT-BIH fixture into another recorder's recording: resampled with the
 * project's band-limited resampler (output k at k / rate s, like any recorder's grid), reference
 * beats moved onto the new grid, and optionally noise added as the Noise Stress Test does.
 */
import { readWfdbRecord } from '@holterflow/formats';
import { addNoiseStress, createResampler, type NoiseKind } from '@holterflow/ecg';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/mitdb/', import.meta.url));

export interface TestRecording {
  fs: number;
  leads: string[];
  signals: Float32Array[];
  /** Reference beats on this recording's grid. */
  beats: number[];
  /** Reference normal beats (nst's signal size). */
  normals: number[];
}

export function fixtureAt(id: string, fs?: number, dir = FIXTURES): TestRecording {
  const rec = readWfdbRecord(`${dir}/${id}.hea`);
  const rate = fs ?? rec.fs;
  const r = createResampler(rec.fs, rate);
  const n = r.firstOutputAtOrAfter(rec.signals[0].length);
  const signals = rate === rec.fs ? rec.signals : rec.signals.map((s) => r.run(s, 0, 0, n));
  const move = (sample: number): number => Math.round((sample * rate) / rec.fs);
  const beats = (rec.beats ?? []).map((b) => move(b.sample));
  const normals = (rec.beats ?? []).filter((b) => b.aami === 'N').map((b) => move(b.sample));
  return { fs: rate, leads: rec.leads, signals, beats, normals };
}

export function withNoise(rec: TestRecording, snrDb: number, kind: NoiseKind = 'mixed'): TestRecording {
  const sizes = rec.normals.length >= 10 ? rec.normals : rec.beats;
  return { ...rec, signals: addNoiseStress(rec.signals, rec.fs, sizes, { snrDb, kind }) };
}
