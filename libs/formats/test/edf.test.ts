import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEdfHeader, readEdf, readEdfRecording, writeEdf } from '@holterflow/formats';

/** Digital value → physical, as EDF defines it, then to mV with factor `toMv`. */
function physical(d: number, digMin: number, digMax: number, physMin: number, physMax: number, toMv = 1) {
  return Math.fround((((d - digMin) * (physMax - physMin)) / (digMax - digMin)) * toMv + physMin * toMv);
}

test('EDF header fields are parsed, and digital values scale to physical mV', () => {
  // A ramp over the whole 12-bit range, so every digital value appears.
  const digital = Array.from({ length: 250 }, (_, i) => -2048 + i * 16);
  const uv = digital.map((d) => ((d + 2048) * 8000) / 4095 - 4000);
  const bytes = writeEdf(
    [
      {
        label: 'ECG II',
        fs: 125,
        samples: uv,
        physicalDimension: 'uV',
        physicalMin: -4000,
        physicalMax: 4000,
        digitalMin: -2048,
        digitalMax: 2047,
        prefiltering: 'HP:0.5Hz',
      },
    ],
    { recordDuration: 2, start: new Date(2021, 4, 17, 8, 30, 5), patientId: 'P1' },
  );
  const h = parseEdfHeader(bytes, 'r', 'r.edf');
  assert.equal(h.headerBytes, 512);
  assert.equal(h.numRecords, 1);
  assert.equal(h.recordDuration, 2);
  assert.equal(h.start, '2021-05-17T08:30:05');
  assert.equal(h.isEdfPlus, false);
  assert.equal(h.patientId, 'P1');
  assert.deepEqual(h.signals[0], {
    label: 'ECG II',
    transducer: '',
    physicalDimension: 'uV',
    physicalMin: -4000,
    physicalMax: 4000,
    digitalMin: -2048,
    digitalMax: 2047,
    prefiltering: 'HP:0.5Hz',
    samplesPerRecord: 250,
  });
  const rec = readEdfRecording('r', bytes);
  assert.equal(rec.fs, 125);
  assert.deepEqual(rec.leads, ['II']);
  assert.equal(rec.source, 'edf');
  const expected = digital.map((d) => physical(d, -2048, 2047, -4000, 4000, 1e-3));
  const got = Array.from(rec.signals[0]);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(got[i] - expected[i]) < 1e-6, `sample ${i}`);
  assert.equal(rec.signals[0][0], Math.fround(-4));
  assert.equal(rec.signals[0][249], Math.fround(physical(1936, -2048, 2047, -4000, 4000, 1e-3)));
});

test('units uV, mV and V all end in mV', () => {
  const mv = [0, 0.5, -1.25, 2];
  const bytes = writeEdf([
    {
      label: 'ECG1',
      fs: 4,
      samples: mv.map((v) => v * 1000),
      physicalDimension: 'uV',
      physicalMin: -3000,
      physicalMax: 3000,
    },
    { label: 'ECG2', fs: 4, samples: mv, physicalDimension: 'mV', physicalMin: -3, physicalMax: 3 },
    {
      label: 'ECG3',
      fs: 4,
      samples: mv.map((v) => v / 1000),
      physicalDimension: 'V',
      physicalMin: -0.003,
      physicalMax: 0.003,
    },
  ]);
  const rec = readEdfRecording('u', bytes);
  // 16-bit quantisation over ±3 mV: a step of 6/65535 mV.
  for (const s of rec.signals)
    for (let i = 0; i < mv.length; i++) assert.ok(Math.abs(s[i] - mv[i]) <= 6 / 65535, `${s[i]} vs ${mv[i]}`);
});

test('EDF+: per-signal rates, ECG signals at the most common rate, dropped ones reported, TAL annotations', () => {
  const seconds = 10;
  const ramp = (fs: number) => Array.from({ length: fs * seconds }, (_, i) => Math.sin(i / 7));
  const bytes = writeEdf(
    [
      { label: 'ECG I', fs: 256, samples: ramp(256), physicalMin: -2, physicalMax: 2 },
      {
        label: 'EEG Fpz-Cz',
        fs: 100,
        samples: ramp(100),
        physicalDimension: 'uV',
        physicalMin: -200,
        physicalMax: 200,
      },
      { label: 'ECG II', fs: 256, samples: ramp(256), physicalMin: -2, physicalMax: 2 },
      {
        label: 'SpO2',
        fs: 1,
        samples: Array(seconds).fill(97),
        physicalDimension: '%',
        physicalMin: 0,
        physicalMax: 100,
      },
      { label: 'EKG V5', fs: 128, samples: ramp(128), physicalMin: -2, physicalMax: 2 },
    ],
    {
      edfPlus: true,
      start: new Date(2003, 1, 28, 23, 59, 0),
      annotations: [
        { onset: 0.5, text: 'Lights off' },
        { onset: 7.25, duration: 1.5, text: 'Arousal' },
      ],
    },
  );
  const edf = readEdf(bytes, 'p', 'p.edf');
  assert.equal(edf.header.isEdfPlus, true);
  assert.equal(edf.header.start, '2003-02-28T23:59:00');
  assert.deepEqual(
    edf.signals.map((s) => [s.label, s.fs, s.units, s.samples.length]),
    [
      ['ECG I', 256, 'mV', 2560],
      ['EEG Fpz-Cz', 100, 'mV', 1000],
      ['ECG II', 256, 'mV', 2560],
      ['SpO2', 1, '%', 10],
      ['EKG V5', 128, 'mV', 1280],
    ],
  );
  assert.deepEqual(edf.annotations, [
    { onset: 0.5, text: 'Lights off' },
    { onset: 7.25, duration: 1.5, text: 'Arousal' },
  ]);
  const rec = readEdfRecording('p', bytes);
  assert.equal(rec.fs, 256);
  assert.deepEqual(rec.leads, ['I', 'II']);
  assert.equal(rec.source, 'edf+');
  assert.deepEqual(rec.dropped, [
    { label: 'EEG Fpz-Cz', fs: 100, reason: 'label does not name an ECG lead' },
    { label: 'SpO2', fs: 1, reason: 'unit "%" is not a voltage' },
    { label: 'EKG V5', fs: 128, reason: "sampled at 128 Hz, not the recording's 256 Hz" },
  ]);
  assert.ok(Math.abs(rec.signals[1][100] - Math.sin(100 / 7)) < 4 / 65535);
});

test('a file without any ECG signal is refused with the labels it has', () => {
  const bytes = writeEdf([
    { label: 'Resp', fs: 10, samples: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], physicalDimension: 'Ohm' },
  ]);
  assert.throws(
    () => readEdfRecording('n', bytes, 'n.edf'),
    (e: Error) =>
      e.name === 'RecordInputError' && /n\.edf.*no ECG signal found \(signals: "Resp" Ohm\)/.test(e.message),
  );
});

test('a record count of -1 (unfinished header) is taken from the file size', () => {
  const bytes = writeEdf([
    { label: 'ECG', fs: 2, samples: [0, 1, 2, 3, 4, 5], physicalMin: -10, physicalMax: 10 },
  ]);
  bytes.set(new TextEncoder().encode('-1      '), 236);
  const rec = readEdfRecording('m', bytes);
  assert.equal(rec.signals[0].length, 6);
  assert.ok(Math.abs(rec.signals[0][5] - 5) < 20 / 65535);
});

test('EDF+D with a gap between data records is refused; contiguous EDF+D is read', () => {
  const make = (secondOnset: string) => {
    const bytes = writeEdf(
      [{ label: 'ECG', fs: 4, samples: [0, 1, 2, 3, 4, 5, 6, 7], physicalMin: -10, physicalMax: 10 }],
      {
        edfPlus: true,
      },
    );
    bytes.set(new TextEncoder().encode('EDF+D'), 192);
    // Second record's time-keeping TAL: header 768 bytes, record = 8 + 120 bytes, TAL after the ECG samples.
    bytes.set(new TextEncoder().encode(`+${secondOnset}\x14\x14\0`), 768 + 128 + 8);
    return bytes;
  };
  assert.equal(readEdfRecording('d', make('1')).signals[0].length, 8);
  assert.throws(
    () => readEdfRecording('d', make('5')),
    /discontinuous EDF\+D recording: data record 2 starts at 5 s, not 1 s/,
  );
});
