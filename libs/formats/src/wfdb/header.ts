/**
 * WFDB header (.hea) parser for single-segment records.
 * Spec: https://physionet.org/physiotools/wag/header-5.htm
 */
import { RecordInputError } from '@holterflow/contracts';

export interface WfdbSignalSpec {
  /** Data file this signal is stored in (relative to the header). */
  fileName: string;
  /** Storage format code (212, 16, ...). */
  format: number;
  /** Samples of this signal per frame (1 unless the record is multi-frequency). */
  samplesPerFrame: number;
  /** Byte offset of the first sample in the data file. */
  byteOffset: number;
  /** ADC units per physical unit. */
  gain: number;
  /** Digital value that corresponds to 0 physical units. */
  baseline: number;
  /** Physical units as written (mV when absent). */
  units: string;
  adcResolution: number;
  adcZero: number;
  initialValue: number;
  checksum: number | undefined;
  /** Lead name (the header's description field), e.g. MLII, V5. */
  description: string;
}

export interface WfdbHeader {
  recordName: string;
  /** Frame rate in Hz (samples per second per signal with samplesPerFrame = 1). */
  fs: number;
  /** Samples per signal as the header states; undefined when the header leaves it out. */
  samplesPerSignal: number | undefined;
  /** ISO-like start time when the header gives base time and date. */
  start: string | undefined;
  signals: WfdbSignalSpec[];
  comments: string[];
}

const DEFAULT_FS = 250;
const DEFAULT_GAIN = 200;

export function parseWfdbHeader(text: string, recordId: string, file = `${recordId}.hea`): WfdbHeader {
  const fail = (problem: string): never => {
    throw new RecordInputError(recordId, problem, file);
  };
  const lines = text.split(/\r?\n/);
  const comments: string[] = [];
  const content: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) comments.push(line.slice(1).trim());
    else content.push(line);
  }
  if (content.length === 0) fail('header is empty');

  const recordFields = content[0].split(/\s+/);
  const [nameField, nsigField, fsField, nsampField, baseTime, baseDate] = recordFields;
  if (nameField.includes('/')) fail('multi-segment records are not supported yet');
  const nsig = Number(nsigField);
  if (!Number.isInteger(nsig) || nsig < 0) fail(`invalid signal count "${nsigField}" in record line`);
  let fs = DEFAULT_FS;
  if (fsField !== undefined) {
    fs = Number(fsField.split('/')[0]);
    if (!Number.isFinite(fs) || fs <= 0) fail(`invalid sampling frequency "${fsField}"`);
  }
  let samplesPerSignal: number | undefined;
  if (nsampField !== undefined) {
    samplesPerSignal = Number(nsampField);
    if (!Number.isInteger(samplesPerSignal) || samplesPerSignal < 0)
      fail(`invalid sample count "${nsampField}" in record line`);
    if (samplesPerSignal === 0) samplesPerSignal = undefined; // 0 means "unknown" in WFDB
  }
  if (content.length - 1 < nsig) fail(`header declares ${nsig} signals but describes ${content.length - 1}`);

  const signals: WfdbSignalSpec[] = [];
  for (let i = 0; i < nsig; i++) signals.push(parseSignalLine(content[i + 1], i, fail));

  return {
    recordName: nameField,
    fs,
    samplesPerSignal,
    start: formatStart(baseTime, baseDate),
    signals,
    comments,
  };
}

function parseSignalLine(line: string, index: number, fail: (p: string) => never): WfdbSignalSpec {
  const fields = line.split(/\s+/);
  const [fileName, formatField, gainField, adcResField, adcZeroField, initField, checksumField, _blockSize] =
    fields;
  const description = fields.slice(8).join(' ') || `signal${index}`;
  const fm = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(formatField ?? '');
  if (!fm) fail(`signal ${index}: invalid format field "${formatField}"`);
  const format = Number(fm![1]);
  const samplesPerFrame = fm![2] ? Number(fm![2]) : 1;
  const byteOffset = fm![4] ? Number(fm![4]) : 0;
  // Skew (format "212:3") shifts one signal against the others; reading it unshifted would
  // misalign the leads, so it is refused rather than ignored.
  if (fm![3] && Number(fm![3]) !== 0)
    fail(`signal ${index}: skewed signals ("${formatField}") are not supported`);

  const adcZero = adcZeroField !== undefined ? Number(adcZeroField) : 0;
  let gain = DEFAULT_GAIN;
  let baseline = adcZero;
  let units = 'mV';
  if (gainField !== undefined) {
    const gm = /^([-+]?[\d.eE+-]+)(?:\(([-+]?\d+)\))?(?:\/(\S+))?$/.exec(gainField);
    if (!gm) fail(`signal ${index}: invalid gain field "${gainField}"`);
    gain = Number(gm![1]);
    if (!Number.isFinite(gain)) fail(`signal ${index}: invalid gain "${gm![1]}"`);
    if (gain === 0) gain = DEFAULT_GAIN; // WFDB: a zero gain means "uncalibrated, use 200"
    if (gm![2] !== undefined) baseline = Number(gm![2]);
    if (gm![3] !== undefined) units = gm![3];
  }
  return {
    fileName,
    format,
    samplesPerFrame,
    byteOffset,
    gain,
    baseline,
    units,
    adcResolution: adcResField !== undefined ? Number(adcResField) : defaultAdcResolution(format),
    adcZero,
    initialValue: initField !== undefined ? Number(initField) : adcZero,
    checksum: checksumField !== undefined ? Number(checksumField) : undefined,
    description,
  };
}

/** WFDB's default ADC resolution when the header leaves it out (signal.c, readheader). */
function defaultAdcResolution(format: number): number {
  switch (format) {
    case 80:
      return 8;
    case 212:
      return 12;
    case 310:
    case 311:
      return 10;
    default:
      return 16;
  }
}

/** WFDB base time is HH:MM:SS[.sss] and base date DD/MM/YYYY. */
function formatStart(time: string | undefined, date: string | undefined): string | undefined {
  if (!time || !/^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(time)) return undefined;
  const [h, m, s = '0'] = time.split(':');
  const hms = `${h.padStart(2, '0')}:${m}:${s.split('.')[0].padStart(2, '0')}`;
  const dm = date ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(date) : null;
  if (!dm) return undefined; // a time of day without a date is not an instant
  return `${dm[3]}-${dm[2].padStart(2, '0')}-${dm[1].padStart(2, '0')}T${hms}`;
}
