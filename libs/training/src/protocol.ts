/**
 * The two evaluation protocols, from a beat dataset to train and test beats:
 *  - intra: the seed's random 80/20 split by beat, stratified by class (patients on both sides);
 *  - inter: de Chazal's DS1 → DS2 by record (the honest figure for unseen patients).
 * The splits themselves are libs/ecg's; this module checks that the parts can be trained on.
 */
import { RecordInputError } from '@holterflow/contracts';
import { splitInterPatient, splitIntraPatient, type BeatDataset } from './dataset/index.js';
import { assertEveryClassPresent, assertTrainableBeats } from './beats.js';

export const PROTOCOLS = ['intra', 'inter'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export function parseProtocol(value: string): Protocol {
  if (!(PROTOCOLS as readonly string[]).includes(value))
    throw new RangeError(
      `protocol must be intra (random split by beat, as the seed) or inter (DS1 -> DS2), got ${value}`,
    );
  return value as Protocol;
}

export interface ProtocolSplit {
  train: Int32Array;
  test: Int32Array;
}

/** Validates the dataset and splits it; `source` names the dataset in errors. */
export function splitForProtocol(
  ds: BeatDataset,
  protocol: Protocol,
  seed: number,
  source: string,
): ProtocolSplit {
  assertTrainableBeats(ds, source);
  const split = protocol === 'intra' ? splitIntraPatient(ds, seed) : splitInterPatient(ds);
  if (split.train.length === 0 || split.test.length === 0)
    throw new RecordInputError(
      source,
      protocol === 'inter'
        ? `the inter-patient protocol needs MIT-BIH DS1 and DS2 records; this dataset has ${split.train.length} DS1 and ${split.test.length} DS2 beats`
        : `the dataset is too small to split (${ds.labels.length} beats)`,
    );
  assertEveryClassPresent(
    Array.from(split.train, (i) => ds.labels[i]),
    source,
    protocol === 'inter' ? 'training (DS1)' : 'training',
  );
  return split;
}
