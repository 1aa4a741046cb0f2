/**
 * Train/test splits of a beat dataset, as beat indices.
 *  - intra-patient: random 80/20 by beat, stratified by class (the seed's protocol, as the Kaggle
 *    set was made; beats of one patient land on both sides, so it flatters every model);
 *  - inter-patient: de Chazal et al. (2004) DS1 (train) / DS2 (test), by record, without the
 *    paced records 102, 104, 107 and 217 (as is usual: their beats are not representative).
 */
import type { BeatDataset } from './types.js';
import { SeededRandom } from '@holterflow/ecg';

export const DS1_RECORDS = [
  '101',
  '106',
  '108',
  '109',
  '112',
  '114',
  '115',
  '116',
  '118',
  '119',
  '122',
  '124',
  '201',
  '203',
  '205',
  '207',
  '208',
  '209',
  '215',
  '220',
  '223',
  '230',
] as const;
export const DS2_RECORDS = [
  '100',
  '103',
  '105',
  '111',
  '113',
  '117',
  '121',
  '123',
  '200',
  '202',
  '210',
  '212',
  '213',
  '214',
  '219',
  '221',
  '222',
  '228',
  '231',
  '232',
  '233',
  '234',
] as const;
export const PACED_RECORDS = ['102', '104', '107', '217'] as const;

export interface BeatSplit {
  train: Int32Array;
  test: Int32Array;
}

/** Stratified random split: in every class, round(testFraction × count) beats go to test. */
export function splitIntraPatient(ds: BeatDataset, seed: number, testFraction = 0.2): BeatSplit {
  if (!(testFraction > 0 && testFraction < 1))
    throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  // SeededRandom is the same mulberry32 sequence the split always drew, kept in one place.
  const rng = new SeededRandom(seed);
  const next = () => rng.next();
  const byClass = new Map<number, number[]>();
  ds.labels.forEach((label, i) => {
    const list = byClass.get(label);
    if (list) list.push(i);
    else byClass.set(label, [i]);
  });
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const items = byClass.get(label)!;
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    const nTest = Math.round(items.length * testFraction);
    test.push(...items.slice(0, nTest));
    train.push(...items.slice(nTest));
  }
  const sorted = (a: number[]): Int32Array => Int32Array.from(a).sort();
  return { train: sorted(train), test: sorted(test) };
}

/** DS1 → train, DS2 → test; beats of any other record (paced or not MIT-BIH) are in neither. */
export function splitInterPatient(ds: BeatDataset): BeatSplit {
  const ds1 = new Set<string>(DS1_RECORDS);
  const ds2 = new Set<string>(DS2_RECORDS);
  const train: number[] = [];
  const test: number[] = [];
  ds.recordIds.forEach((id, i) => {
    if (ds1.has(id)) train.push(i);
    else if (ds2.has(id)) test.push(i);
  });
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
