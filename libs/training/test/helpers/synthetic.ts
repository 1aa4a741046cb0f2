/**
 * Synthetic beats for the training tests: class c is a Gaussian bump centred at a class-specific
 * position on a noisy baseline, so a small convolutional model separates them in a few epochs.
 * A tiny model keeps the tests fast on the pure-JS cpu backend; it has the seed CNN's kinds of
 * layers (Conv1D, pooling, Dense, Dropout, softmax) so the same code paths run.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { SEGMENTATION_VERSION } from '@holterflow/ecg';
import { type BeatDataset } from '@holterflow/training';
import { BEAT_WIDTH, SeededRandom, type LabelledBeats } from '../../src/index.js';

export function syntheticBeats(perClass: number[], seed: number): LabelledBeats {
  const rng = new SeededRandom(seed);
  const n = perClass.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * BEAT_WIDTH);
  const labels = new Int32Array(n);
  let i = 0;
  perClass.forEach((m, c) => {
    for (let j = 0; j < m; j++, i++) {
      labels[i] = c;
      const centre = 20 + c * 35 + (rng.next() - 0.5) * 8;
      for (let t = 0; t < BEAT_WIDTH; t++)
        x[i * BEAT_WIDTH + t] = Math.exp(-((t - centre) ** 2) / 30) + (rng.next() - 0.5) * 0.2;
    }
  });
  return { x, labels };
}

export function tinyModel(seed: number): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed + k });
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv1d({
      inputShape: [BEAT_WIDTH, 1],
      filters: 4,
      kernelSize: 9,
      strides: 2,
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  model.add(tfl.layers.maxPooling1d({ poolSize: 4 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(2) }));
  model.add(tfl.layers.dropout({ rate: 0.25 }));
  model.add(tfl.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(3) }));
  return model;
}

const SYMBOL_OF_CLASS = ['N', 'A', 'V', 'F', '/'] as const;
const AAMI_OF_CLASS = ['N', 'S', 'V', 'F', 'Q'] as const;

/**
 * A full beat dataset (libs/ecg's schema) of synthetic beats; beat i belongs to records[i %
 * records.length], so DS1 and DS2 record names make the inter-patient protocol usable.
 */
export function syntheticDataset(
  perClass: number[],
  seed: number,
  records: readonly string[] = ['100', '101'],
): BeatDataset {
  const { x, labels } = syntheticBeats(perClass, seed);
  const n = labels.length;
  return {
    x,
    labels,
    recordIds: Array.from({ length: n }, (_, i) => records[i % records.length]),
    samples: Int32Array.from({ length: n }, (_, i) => 300 * i),
    symbols: Array.from(labels, (l) => SYMBOL_OF_CLASS[l]),
    aami: Array.from(labels, (l) => AAMI_OF_CLASS[l]),
    rrPrevMs: new Float32Array(n).fill(800),
    rrNextMs: new Float32Array(n).fill(800),
    rrLocalMs: new Float32Array(n).fill(800),
    segmentation: SEGMENTATION_VERSION,
  };
}
