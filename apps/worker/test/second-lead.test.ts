import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { RHYTHM_SCALAR_COUNT, RHYTHM_SCALAR_FEATURES, primaryLeadOf } from '@holterflow/ecg';
import { readWfdbRecord } from '@holterflow/formats';
import { initMlp, rhythmInputWidth, rhythmModelDescription, rhythmModelFiles } from '@holterflow/model';
import { loadPredictor } from '../src/pipeline/beat-predictor.js';
import { classifyWindow, type BeatPredictor } from '../src/pipeline/classify-window.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/mitdb/', import.meta.url));
const column = (name: string) =>
  RHYTHM_SCALAR_FEATURES.indexOf(name as (typeof RHYTHM_SCALAR_FEATURES)[number]);

/** A rhythm model file reading `features` (random weights: only what it reads is under test). */
async function predictorReading(features: string[]) {
  const input = { morphology: 'none' as const, beatStride: 4, scalarCount: features.length };
  const d = rhythmInputWidth(input);
  let s = 7;
  const random = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const files = rhythmModelFiles({
    description: rhythmModelDescription({
      featuresVersion: 'test',
      segmentation: 'test',
      contextSeconds: 150,
      scalarFeatures: features,
      input,
      widths: [d, 4, 5],
    }),
    members: [
      { mean: new Float32Array(d), invStd: new Float32Array(d).fill(1), layers: initMlp([d, 4, 5], random) },
    ],
  });
  return loadPredictor({ version: 'test', ...files });
}

test('a model that reads the second lead gets its cut; one that does not, does not pay for it', async () => {
  assert.equal((await predictorReading(['template_rms_difference'])).readsSecondLead, false);
  const reading = await predictorReading(['template_rms_difference', 'lead2_template_rms_difference']);
  assert.equal(reading.readsSecondLead, true);

  // MIT-BIH 119 (MLII and V1, ventricular bigeminy): the first 10 minutes through classifyWindow.
  const rec = readWfdbRecord(`${FIXTURES}119.hea`);
  const n = 600 * rec.fs;
  const input = {
    signals: rec.signals.map((lead) => lead.subarray(0, n)),
    fs: rec.fs,
    offset: 0,
    ownedStart: 0,
    ownedEnd: n,
    primaryLead: primaryLeadOf(rec.leads),
    window: 0,
  };
  const seen = async (readsSecondLead: boolean): Promise<Float32Array> => {
    let scalars: Float32Array = new Float32Array(0);
    const probe: BeatPredictor = {
      contextSeconds: 150,
      readsSecondLead,
      predict: async (beats, count, rhythm) => {
        assert.equal(beats.x2 !== undefined, readsSecondLead, 'x2 is cut exactly when read');
        scalars = rhythm!.scalars;
        return new Float32Array(count * 5);
      },
    };
    await classifyWindow(input, probe);
    return scalars;
  };
  const first = column('template_rms_difference');
  const second = column('lead2_template_rms_difference');
  const beats = (s: Float32Array) => s.length / RHYTHM_SCALAR_COUNT;
  const differing = (s: Float32Array) => {
    let k = 0;
    for (let b = 0; b < beats(s); b++)
      if (s[b * RHYTHM_SCALAR_COUNT + first] !== s[b * RHYTHM_SCALAR_COUNT + second]) k++;
    return k;
  };
  const withLead = await seen(true);
  const without = await seen(false);
  assert.ok(beats(withLead) > 600, `${beats(withLead)} beats`);
  assert.ok(differing(withLead) > 0.9 * beats(withLead), 'V1 is read on its own');
  assert.equal(differing(without), 0, 'without the second lead its columns repeat the first');
  // The rest of the features do not depend on whether the second lead was read.
  for (let b = 0; b < beats(without); b++)
    for (let c = 0; c < column('lead2_template_correlation'); c++)
      assert.equal(withLead[b * RHYTHM_SCALAR_COUNT + c], without[b * RHYTHM_SCALAR_COUNT + c]);
});
