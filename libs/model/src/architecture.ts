/**
 * The seed report's 1D CNN (docs/ARCHITECTURE.md "Rhythm-aware model and features"): 187-sample beats at 125 Hz in, five AAMI
 * class probabilities out (order N, S, V, F, Q). 52,357 trainable parameters.
 */
import * as tfl from '@tensorflow/tfjs-layers';

export const BEAT_LENGTH = 187;
export const NUM_CLASSES = 5;
export const SEED_CNN_PARAMETERS = 52_357;

export interface SeedCnnOptions {
  /** Dropout rate after the dense layer (the seed's 0.5). */
  dropout?: number;
  /** Seed for the weight initialisers, for reproducible training runs. */
  seed?: number;
}

export function buildSeedCnn(options: SeedCnnOptions = {}): tfl.LayersModel {
  const { dropout = 0.5, seed } = options;
  const init = (offset: number) =>
    seed === undefined ? undefined : tfl.initializers.glorotUniform({ seed: seed + offset });
  const model = tfl.sequential({ name: 'holterflow_seed_cnn' });
  model.add(
    tfl.layers.conv1d({
      inputShape: [BEAT_LENGTH, 1],
      filters: 32,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(1),
      name: 'conv1',
    }),
  );
  model.add(tfl.layers.maxPooling1d({ poolSize: 2, name: 'pool1' }));
  model.add(
    tfl.layers.conv1d({
      filters: 64,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(2),
      name: 'conv2',
    }),
  );
  model.add(tfl.layers.maxPooling1d({ poolSize: 2, name: 'pool2' }));
  model.add(
    tfl.layers.conv1d({
      filters: 128,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(3),
      name: 'conv3',
    }),
  );
  model.add(tfl.layers.globalMaxPooling1d({ name: 'global_max' }));
  model.add(tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(4), name: 'dense' }));
  model.add(tfl.layers.dropout({ rate: dropout, seed, name: 'dropout' }));
  model.add(
    tfl.layers.dense({
      units: NUM_CLASSES,
      activation: 'softmax',
      kernelInitializer: init(5),
      name: 'probs',
    }),
  );
  return model;
}
