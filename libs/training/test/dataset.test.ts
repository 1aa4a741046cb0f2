import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parquetMetadata } from 'hyparquet';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { AAMI_CLASSES } from '@holterflow/contracts';
import { readWfdbRecord } from '@holterflow/formats';
import { BEAT_LENGTH, SEGMENTATION_VERSION, detectBeats, matchBeats, primaryLeadOf } from '@holterflow/ecg';
import {
  DS1_RECORDS,
  DS2_RECORDS,
  RHYTHM_RECIPES,
  buildBeatDataset,
  classCounts,
  datasetFeatureRows,
  concatBeatDatasets,
  noisyCopy,
  noisyCopyId,
  patientOf,
  readBeatDataset,
  rhythmSplit,
  splitInterPatient,
  splitIntraPatient,
  subsetBeatDataset,
  writeBeatDataset,
  type BeatDataset,
} from '@holterflow/training';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/mitdb/', import.meta.url));
// Built once: two fixture records, one from DS2 with S beats (232) and one with V and F (208, DS1).
const ds: BeatDataset = buildBeatDataset(FIXTURES, ['208', '232'], { secondLead: true });

test('every annotated beat is in the dataset with its AAMI class, cut at the R-peak', () => {
  const expected: Record<string, number> = { N: 0, S: 0, V: 0, F: 0, Q: 0 };
  let total = 0;
  for (const id of ['208', '232']) {
    for (const b of readWfdbRecord(`${FIXTURES}${id}.hea`).beats!) {
      expected[b.aami]++;
      total++;
    }
  }
  assert.equal(ds.labels.length, total);
  assert.deepEqual(classCounts(ds), expected);
  assert.equal(ds.x.length, total * BEAT_LENGTH);
  assert.ok(ds.x.every((v) => v >= 0 && v <= 1));
  assert.equal(ds.segmentation, SEGMENTATION_VERSION);
  for (let i = 0; i < ds.labels.length; i++) assert.equal(AAMI_CLASSES[ds.labels[i]], ds.aami[i]);
  // Samples are ascending within a record and every beat has finite RR features.
  for (let i = 1; i < ds.samples.length; i++)
    if (ds.recordIds[i] === ds.recordIds[i - 1]) assert.ok(ds.samples[i] >= ds.samples[i - 1]);
  assert.ok(ds.rrPrevMs.every((v) => v > 0 && Number.isFinite(v)));
  // The cut starts at the R-peak: sample 0 is the extreme (largest deflection) of the QRS.
  let atPeak = 0;
  for (let i = 0; i < ds.labels.length; i++) {
    const beat = ds.x.subarray(i * BEAT_LENGTH, i * BEAT_LENGTH + 12);
    if (beat[0] >= Math.max(...beat) || beat[0] <= Math.min(...beat)) atPeak++;
  }
  assert.ok(atPeak / ds.labels.length > 0.95, `${atPeak} of ${ds.labels.length} beats start at their peak`);
});

test('Parquet round trip keeps every value and the metadata', async () => {
  const bytes = writeBeatDataset(ds);
  const kv = new Map(
    (
      parquetMetadata(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      ).key_value_metadata ?? []
    ).map((e) => [e.key, e.value]),
  );
  assert.equal(kv.get('holterflow.beat_fs'), '125');
  assert.equal(kv.get('holterflow.beat_length'), '187');
  const back = await readBeatDataset(bytes);
  assert.deepEqual(back.x, ds.x);
  assert.ok(ds.x2, "two-lead records carry the second lead's cut");
  assert.deepEqual(back.x2, ds.x2);
  assert.deepEqual(back.labels, ds.labels);
  assert.deepEqual(back.samples, ds.samples);
  assert.deepEqual(back.recordIds, ds.recordIds);
  assert.deepEqual(back.symbols, ds.symbols);
  assert.deepEqual(back.rrLocalMs, ds.rrLocalMs);
  assert.equal(back.segmentation, ds.segmentation);
});

/** A hand-made Parquet file with the given columns, for the reader's error paths. */
function parquetWith(
  columns: { name: string; data: ArrayLike<unknown>; type: 'FLOAT' | 'INT32' | 'STRING' }[],
  kv = true,
): Uint8Array {
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: columns.map((c) => ({ ...c, data: c.data as never })),
    kvMetadata: kv
      ? [
          { key: 'holterflow.beat_fs', value: '125' },
          { key: 'holterflow.beat_length', value: '187' },
          { key: 'holterflow.segmentation', value: 'test' },
        ]
      : [],
  });
  return new Uint8Array(writer.getBuffer());
}

function validColumns(
  n: number,
  width = BEAT_LENGTH,
): { name: string; data: ArrayLike<unknown>; type: 'FLOAT' | 'INT32' | 'STRING' }[] {
  return [
    { name: 'record_id', data: Array(n).fill('100'), type: 'STRING' },
    { name: 'sample', data: new Int32Array(n), type: 'INT32' },
    { name: 'symbol', data: Array(n).fill('N'), type: 'STRING' },
    { name: 'aami', data: Array(n).fill('N'), type: 'STRING' },
    { name: 'label', data: new Int32Array(n), type: 'INT32' },
    { name: 'rr_prev_ms', data: new Float32Array(n).fill(800), type: 'FLOAT' },
    { name: 'rr_next_ms', data: new Float32Array(n).fill(800), type: 'FLOAT' },
    { name: 'rr_local_ms', data: new Float32Array(n).fill(800), type: 'FLOAT' },
    ...Array.from({ length: width }, (_, k) => ({
      name: `x${String(k).padStart(3, '0')}`,
      data: new Float32Array(n).fill(0.5),
      type: 'FLOAT' as const,
    })),
  ];
}

test("the second lead's cut: the same beats, another lead; a one-lead part repeats its first lead", async () => {
  const x2 = ds.x2!;
  assert.equal(x2.length, ds.x.length);
  assert.ok(x2.every((v) => v >= 0 && v <= 1));
  let differ = 0;
  for (let i = 0; i < ds.labels.length; i++)
    if (x2[i * BEAT_LENGTH + 5] !== ds.x[i * BEAT_LENGTH + 5]) differ++;
  assert.ok(differ > 0.9 * ds.labels.length, `${differ} of ${ds.labels.length} beats differ on V1`);
  const { x2: _, ...oneLead } = subsetBeatDataset(ds, [0, 1, 2]);
  const both = concatBeatDatasets([subsetBeatDataset(ds, [3, 4]), oneLead], ds.segmentation);
  assert.deepEqual(both.x2!.subarray(2 * BEAT_LENGTH), oneLead.x);
  assert.deepEqual(both.x2!.subarray(0, 2 * BEAT_LENGTH), x2.subarray(3 * BEAT_LENGTH, 5 * BEAT_LENGTH));
  // Built without --second-lead (or before it was stored), a dataset reads without it, and a
  // model that reads the second lead's features is refused rather than fed the first lead's.
  const { x2: __, ...old } = ds;
  const back = await readBeatDataset(writeBeatDataset(old));
  assert.equal(back.x2, undefined);
  const spec = { morphology: 'none' as const, beatStride: 4, scalarCount: 1 };
  assert.equal(datasetFeatureRows(back, spec, ['template_correlation']).rows.length, back.labels.length);
  assert.throws(
    () => datasetFeatureRows(back, spec, ['lead2_template_correlation']),
    /beat-dataset.*second lead.*--second-lead/,
  );
});

test("the second lead is cut only when asked for: the first lead's cut is the same either way", () => {
  const plain = buildBeatDataset(FIXTURES, ['232']);
  assert.equal(plain.x2, undefined);
  const of232 = ds.recordIds.flatMap((r, i) => (r === '232' ? [i] : []));
  assert.deepEqual(plain.x, subsetBeatDataset(ds, of232).x);
});

test('the reader refuses malformed datasets with a clear message', async () => {
  assert.equal(
    (await readBeatDataset(parquetWith(validColumns(3)))).labels.length,
    3,
    'the hand-made file itself is valid',
  );
  await assert.rejects(readBeatDataset(parquetWith(validColumns(3, 180))), /columns missing: x180/);
  await assert.rejects(readBeatDataset(parquetWith(validColumns(3, 190))), /wider than 187/);
  await assert.rejects(
    readBeatDataset(parquetWith(validColumns(3).filter((c) => c.name !== 'label'))),
    /columns missing: label/,
  );
  const withNaN = validColumns(3);
  (withNaN[20].data as Float32Array)[1] = Number.NaN;
  await assert.rejects(readBeatDataset(parquetWith(withNaN)), /beat 1 \(x012\) is not a finite number/);
  const badLabel = validColumns(3);
  (badLabel[4].data as Int32Array)[2] = 7;
  await assert.rejects(readBeatDataset(parquetWith(badLabel)), /label of beat 2 is 7/);
  await assert.rejects(readBeatDataset(parquetWith(validColumns(3), false)), /beat_fs is missing/);
  await assert.rejects(
    readBeatDataset(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])),
    /not a Parquet file/,
  );
});

test('intra-patient split: stratified 80/20, disjoint, reproducible from the seed', () => {
  const split = splitIntraPatient(ds, 7);
  assert.equal(split.train.length + split.test.length, ds.labels.length);
  assert.equal(new Set([...split.train, ...split.test]).size, ds.labels.length);
  const all = classCounts(ds);
  const test = classCounts(subsetBeatDataset(ds, split.test));
  for (const c of AAMI_CLASSES) assert.equal(test[c], Math.round(all[c] * 0.2), c);
  assert.deepEqual(splitIntraPatient(ds, 7), split);
  assert.notDeepEqual(splitIntraPatient(ds, 8).test, split.test);
});

test('inter-patient split: DS1/DS2 by record (de Chazal 2004), paced records in neither', () => {
  assert.equal(DS1_RECORDS.length, 22);
  assert.equal(DS2_RECORDS.length, 22);
  const split = splitInterPatient(ds);
  assert.ok(Array.from(split.train).every((i) => ds.recordIds[i] === '208'));
  assert.ok(Array.from(split.test).every((i) => ds.recordIds[i] === '232'));
  assert.equal(split.train.length + split.test.length, ds.labels.length);
  const paced = subsetBeatDataset(ds, [0, 1]);
  paced.recordIds = ['102', '217'];
  const none = splitInterPatient(paced);
  assert.equal(none.train.length + none.test.length, 0);
});

test('a noisy copy is its patient with NST noise: beats where nothing is classified left out, noise taken for beats as Q', () => {
  const record = readWfdbRecord(`${FIXTURES}208.hea`);
  const copy = buildBeatDataset(FIXTURES, ['208'], { copies: { snrDb: [0], seed: 2 } });
  const cleanIds = copy.recordIds.filter((r) => r === '208');
  const copyIds = copy.recordIds.filter((r) => r === '208~nst0');
  assert.equal(cleanIds.length, record.beats!.length, 'the clean record is there, every beat');
  assert.ok(copyIds.length > 0);
  assert.equal(patientOf('208~nst0'), '208');
  assert.equal(noisyCopyId('208', 0), '208~nst0');
  // The copy's rows: its reference beats (fewer: at 0 dB stretches are marked unanalysable)
  // plus Q rows for detections that match no reference beat, with the noise symbol.
  const rows = copy.recordIds.flatMap((r, i) => (r === '208~nst0' ? [i] : []));
  const noise = rows.filter((i) => copy.symbols[i] === '~');
  assert.ok(noise.length > 0, 'at 0 dB the detector takes some noise for beats');
  assert.ok(noise.every((i) => copy.aami[i] === 'Q'));
  const referenceRows = rows.length - noise.length;
  assert.ok(referenceRows < record.beats!.length, `${referenceRows} of ${record.beats!.length} kept`);
  assert.ok(referenceRows > record.beats!.length / 2);
  // The copy's beats are in time order (its own beat table for the rhythm features).
  for (let k = 1; k < rows.length; k++) assert.ok(copy.samples[rows[k]] >= copy.samples[rows[k - 1]]);
  assert.equal(copy.recordFs?.['208~nst0'], record.fs);
});

test("a noisy copy's Q examples include the small interposed transients the detector drops at inference", () => {
  const record = readWfdbRecord(`${FIXTURES}119.hea`);
  const copies = { snrDb: [6], seed: 2 };
  const copy = buildBeatDataset(FIXTURES, ['119'], { copies });
  const qRows = copy.recordIds.filter((r, i) => r === '119~nst6' && copy.aami[i] === 'Q').length;
  // The false detections a classify worker would be given on the same copy (the rule applied).
  const noisy = noisyCopy(record, 6, copies);
  const detection = detectBeats(noisy.signals, noisy.fs, { primaryLead: primaryLeadOf(noisy.leads) });
  const match = matchBeats(
    record.beats!.map((b) => b.sample),
    detection.samples,
    noisy.fs,
    detection.unreadable,
  );
  const inferenceFalse = match.detectedToReference.filter(
    (r, j) => r < 0 && !match.detectedExcluded[j],
  ).length;
  assert.ok(inferenceFalse > 0);
  assert.ok(
    qRows > inferenceFalse,
    `${qRows} Q examples against ${inferenceFalse} false detections at inference`,
  );
});

test('noisy copies train with their patient and never validate or test', () => {
  // 208 and 119 are DS1, 232 DS2.
  const withCopies = buildBeatDataset(FIXTURES, ['119', '208', '232'], { copies: { snrDb: [6], seed: 2 } });
  const split = rhythmSplit(withCopies, 'inter', RHYTHM_RECIPES.focal, ['119']);
  assert.deepEqual(split.records, { train: ['208'], validation: ['119'], test: ['232'] });
  assert.deepEqual([...new Set(split.train.recordIds)].sort(), ['208', '208~nst6']);
  assert.deepEqual([...new Set(split.validation.recordIds)], ['119']);
  assert.deepEqual([...new Set(split.test!.recordIds)], ['232']);
});
