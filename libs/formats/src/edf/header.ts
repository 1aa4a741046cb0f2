/**
 * EDF / EDF+ header: the 256-byte fixed part and the per-signal part (ns × 256 bytes).
 * Spec: https://www.edfplus.info/specs/edf.html and edfplus.html
 */
import { RecordInputError } from '@holterflow/contracts';

export interface EdfSignalHeader {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
}

export interface EdfHeader {
  patientId: string;
  recordingId: string;
  /** ISO 8601 local start (EDF has no time zone), when the date and time fields are valid. */
  start: string | undefined;
  headerBytes: number;
  /** "EDF+C", "EDF+D" or "" for plain EDF. */
  reserved: string;
  isEdfPlus: boolean;
  /** False only for EDF+D (data records may have gaps between them). */
  continuous: boolean;
  /** Data records in the file (computed from the file size when the header says -1). */
  numRecords: number;
  /** Seconds per data record. */
  recordDuration: number;
  signals: EdfSignalHeader[];
}

/** Bytes of the fixed header and of each signal's header. */
export const EDF_FIXED_HEADER_BYTES = 256;
export const EDF_SIGNAL_HEADER_BYTES = 256;

/** Per-signal field widths in the order they are stored (each stored for all signals in turn). */
const SIGNAL_FIELDS = [
  ['label', 16],
  ['transducer type', 80],
  ['physical dimension', 8],
  ['physical minimum', 8],
  ['physical maximum', 8],
  ['digital minimum', 8],
  ['digital maximum', 8],
  ['prefiltering', 80],
  ['samples per data record', 8],
  ['reserved', 32],
] as const;

export function parseEdfHeader(bytes: Uint8Array, recordId: string, file: string): EdfHeader {
  const fail = (problem: string): never => {
    throw new RecordInputError(recordId, problem, file);
  };
  if (bytes.byteLength < EDF_FIXED_HEADER_BYTES)
    fail(`not an EDF file: ${bytes.byteLength} bytes, shorter than the 256-byte header`);
  const ascii = (offset: number, length: number) =>
    new TextDecoder('latin1').decode(bytes.subarray(offset, offset + length)).trim();
  const number = (text: string, field: string, check: (v: number) => boolean, expected: string): number => {
    const v = Number(text);
    if (text === '' || !Number.isFinite(v) || !check(v))
      fail(`EDF header field "${field}" is ${JSON.stringify(text)}, expected ${expected}`);
    return v;
  };

  const version = ascii(0, 8);
  if (version !== '0')
    fail(`EDF header field "version" is ${JSON.stringify(version)}, expected "0" (not an EDF file)`);
  const patientId = ascii(8, 80);
  const recordingId = ascii(88, 80);
  const startDate = ascii(168, 8);
  const startTime = ascii(176, 8);
  const headerBytes = number(
    ascii(184, 8),
    'number of bytes in header record',
    Number.isInteger,
    'an integer',
  );
  const reserved = ascii(192, 44);
  const numRecordsField = number(
    ascii(236, 8),
    'number of data records',
    (v) => Number.isInteger(v) && v >= -1,
    'a count or -1',
  );
  const recordDuration = number(
    ascii(244, 8),
    'duration of a data record',
    (v) => v > 0,
    'a positive number of seconds',
  );
  const ns = number(
    ascii(252, 4),
    'number of signals',
    (v) => Number.isInteger(v) && v >= 1,
    'a positive integer',
  );
  const expectedHeaderBytes = EDF_FIXED_HEADER_BYTES + ns * EDF_SIGNAL_HEADER_BYTES;
  if (headerBytes !== expectedHeaderBytes)
    fail(
      `EDF header field "number of bytes in header record" is ${headerBytes}, expected ${expectedHeaderBytes} for ${ns} signals`,
    );
  if (bytes.byteLength < headerBytes)
    fail(`file ends inside the signal headers (${bytes.byteLength} of ${headerBytes} bytes)`);

  const columns: string[][] = [];
  let offset = EDF_FIXED_HEADER_BYTES;
  for (const [, width] of SIGNAL_FIELDS) {
    const values: string[] = [];
    for (let s = 0; s < ns; s++, offset += width) values.push(ascii(offset, width));
    columns.push(values);
  }
  const signals: EdfSignalHeader[] = [];
  for (let s = 0; s < ns; s++) {
    const label = columns[0][s];
    const field = (name: string) => `${name} (signal ${s + 1} "${label}")`;
    const signal: EdfSignalHeader = {
      label,
      transducer: columns[1][s],
      physicalDimension: columns[2][s],
      physicalMin: number(columns[3][s], field('physical minimum'), () => true, 'a number'),
      physicalMax: number(columns[4][s], field('physical maximum'), () => true, 'a number'),
      digitalMin: number(
        columns[5][s],
        field('digital minimum'),
        (v) => Number.isInteger(v) && v >= -32768,
        'an integer ≥ -32768',
      ),
      digitalMax: number(
        columns[6][s],
        field('digital maximum'),
        (v) => Number.isInteger(v) && v <= 32767,
        'an integer ≤ 32767',
      ),
      prefiltering: columns[7][s],
      samplesPerRecord: number(
        columns[8][s],
        field('samples per data record'),
        (v) => Number.isInteger(v) && v >= 1,
        'a positive integer',
      ),
    };
    if (signal.digitalMax <= signal.digitalMin)
      fail(
        `EDF header: ${field('digital maximum')} ${signal.digitalMax} is not above the digital minimum ${signal.digitalMin}`,
      );
    if (signal.physicalMax === signal.physicalMin)
      fail(`EDF header: ${field('physical maximum')} equals the physical minimum (${signal.physicalMin})`);
    signals.push(signal);
  }

  const recordBytes = 2 * signals.reduce((sum, s) => sum + s.samplesPerRecord, 0);
  const dataBytes = bytes.byteLength - headerBytes;
  let numRecords = numRecordsField;
  if (numRecords === -1) {
    // -1 means the writer did not finish the header (e.g. a recorder lost power): take whole records.
    numRecords = Math.floor(dataBytes / recordBytes);
  } else if (dataBytes < numRecords * recordBytes) {
    fail(
      `data is truncated: header says ${numRecords} data records (${numRecords * recordBytes} bytes) ` +
        `but the file has ${dataBytes} bytes after the header`,
    );
  } else if (dataBytes > numRecords * recordBytes) {
    fail(
      `header/data length mismatch: header says ${numRecords} data records (${numRecords * recordBytes} bytes) ` +
        `but the file has ${dataBytes} bytes after the header`,
    );
  }

  const isEdfPlus = reserved.startsWith('EDF+');
  return {
    patientId,
    recordingId,
    start: formatStart(startDate, startTime, recordingId),
    headerBytes,
    reserved,
    isEdfPlus,
    continuous: reserved !== 'EDF+D',
    numRecords,
    recordDuration,
    signals,
  };
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * dd.mm.yy + hh.mm.ss; EDF's two-digit year is 1985–2084. EDF+ also writes the four-digit year
 * in the recording id ("Startdate 02-MAR-2002 ..."), which wins when present.
 */
function formatStart(date: string, time: string, recordingId: string): string | undefined {
  const d = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(date);
  const t = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(time);
  if (!d || !t) return undefined;
  let year = Number(d[3]) + (Number(d[3]) >= 85 ? 1900 : 2000);
  const plus = /^Startdate (\d{2})-([A-Z]{3})-(\d{4})/.exec(recordingId);
  if (plus && MONTHS.includes(plus[2])) year = Number(plus[3]);
  return `${year}-${d[2]}-${d[1]}T${t[1]}:${t[2]}:${t[3]}`;
}
