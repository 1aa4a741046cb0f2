/**
 * Planning: which recordings a run covers and how each is cut into classify windows, from the
 * Parquet footers alone (one HEAD + one ranged GET per recording; the signal is never read).
 * A recording that cannot be planned is rejected with a reason the lab can act on; the run goes
 * on with the others.
 */
import {
  RECORDING_EXTENSIONS,
  RESERVED_PREFIXES,
  RecordInputError,
  SEGMENT_WINDOW_SECONDS,
  isSafeId,
  type PlannedRecord,
  type RejectedRecord,
  type RunManifest,
  type RunRequest,
} from '@holterflow/contracts';
import { openRecording, recordIdFromName } from '@holterflow/formats';
import { ObjectNotFound, type ObjectStore } from '@holterflow/storage';
import pMap from 'p-map';

/**
 * Footers read at once: each is a HEAD and one ~24 KB ranged GET, so the planner is bound by
 * round trips, not bandwidth; 16 keeps 1,000 recordings to a few seconds on s3rver without
 * opening hundreds of sockets (bench/planning.ts).
 */
export const FOOTER_CONCURRENCY = 16;

/** One segmentation window: nothing shorter can be classified. */
const MIN_RECORDING_SECONDS = SEGMENT_WINDOW_SECONDS;

export interface Candidate {
  recordId: string;
  recordingKey: string;
  referenceBeatsKey?: string;
}

function isRecordingKey(key: string): boolean {
  return RECORDING_EXTENSIONS.some((ext) => key.endsWith(ext)) && !key.endsWith('.beats.parquet');
}

function referenceBeatsKeyOf(recordingKey: string): string {
  return recordingKey.replace(/\.(parquet|arrow)$/, '.beats.parquet');
}

/**
 * The recordings a request names: every `*.parquet`/`*.arrow` under the prefix, sub-prefixes
 * included unless `recursive` is false (with the
 * reference beats found in the same listing), or the explicit list (reference beats by HEAD).
 */
export async function discoverRecordings(store: ObjectStore, request: RunRequest): Promise<Candidate[]> {
  if (request.prefix !== undefined) {
    const listPrefix = request.prefix === '' ? '' : `${request.prefix}/`;
    const recordings: string[] = [];
    const beats = new Set<string>();
    for await (const object of store.list(listPrefix)) {
      if (RESERVED_PREFIXES.some((p) => object.key.startsWith(p))) continue;
      if (request.recursive === false && object.key.slice(listPrefix.length).includes('/')) continue;
      if (object.key.endsWith('.beats.parquet')) beats.add(object.key);
      else if (isRecordingKey(object.key)) recordings.push(object.key);
    }
    return recordings.map((recordingKey) => {
      const beatsKey = referenceBeatsKeyOf(recordingKey);
      return {
        recordId: recordIdFromName(recordingKey),
        recordingKey,
        ...(beats.has(beatsKey) ? { referenceBeatsKey: beatsKey } : {}),
      };
    });
  }
  const keys = [...new Set(request.recordings ?? [])];
  return pMap(
    keys,
    async (recordingKey) => {
      const beatsKey = referenceBeatsKeyOf(recordingKey);
      const hasBeats = isRecordingKey(recordingKey) && (await store.exists(beatsKey));
      return {
        recordId: recordIdFromName(recordingKey),
        recordingKey,
        ...(hasBeats ? { referenceBeatsKey: beatsKey } : {}),
      };
    },
    { concurrency: FOOTER_CONCURRENCY },
  );
}

/** Samples owned by one classify window. */
export function windowSamples(fs: number, windowSeconds: number): number {
  return Math.round(windowSeconds * fs);
}

/**
 * A trailing part of a record shorter than this joins the window before it instead of becoming
 * a classify job of its own: a 30-minute MIT-BIH record (1805.6 s) would otherwise get a second
 * job for its last 5.6 s — a queue round trip, a model load and margin reads for 4-8 beats.
 * One minute is also the shortest window a run may ask for (WINDOW_SECONDS.min).
 */
export const MIN_TRAILING_WINDOW_SECONDS = 60;

/** How many classify windows cut a record: whole windows, the last one taking a short remainder. */
export function windowCount(numSamples: number, fs: number, windowSeconds: number): number {
  const span = windowSamples(fs, windowSeconds);
  const windows = Math.ceil(numSamples / span);
  const trailing = numSamples - (windows - 1) * span;
  return windows > 1 && trailing < MIN_TRAILING_WINDOW_SECONDS * fs ? windows - 1 : windows;
}

/** The samples [start, end) window `window` of `windows` owns; the last one runs to the record's end. */
export function windowRange(
  window: number,
  windows: number,
  numSamples: number,
  span: number,
): { start: number; end: number } {
  return { start: window * span, end: window === windows - 1 ? numSamples : (window + 1) * span };
}

/** Plan one recording from its footer, or say why it cannot be classified. */
export async function planRecording(
  store: ObjectStore,
  candidate: Candidate,
  windowSeconds: number,
): Promise<PlannedRecord | RejectedRecord> {
  const { recordId, recordingKey } = candidate;
  const reject = (error: string): RejectedRecord => ({ recordId, recordingKey, error });
  if (!isSafeId(recordId))
    return reject(
      `the file name gives record id ${JSON.stringify(recordId)}; rename the object to ` +
        `1-128 letters, digits, '_', '-' or '.' before the extension`,
    );
  if (!isRecordingKey(recordingKey))
    return reject(`not a recording: expected a ${RECORDING_EXTENSIONS.join(' or ')} object`);
  try {
    const { meta } = await openRecording(recordingKey, await store.asyncBuffer(recordingKey));
    const seconds = meta.numSamples / meta.fs;
    if (seconds < MIN_RECORDING_SECONDS)
      return reject(
        `recording is ${seconds.toFixed(1)} s long; at least ${MIN_RECORDING_SECONDS} s ` +
          '(one segmentation window) are needed to classify beats',
      );
    return {
      recordId,
      recordingKey,
      ...(candidate.referenceBeatsKey ? { referenceBeatsKey: candidate.referenceBeatsKey } : {}),
      fs: meta.fs,
      numSamples: meta.numSamples,
      leads: meta.leads,
      windows: windowCount(meta.numSamples, meta.fs, windowSeconds),
    };
  } catch (err) {
    if (err instanceof RecordInputError) return reject(err.problem);
    if (err instanceof ObjectNotFound) return reject(`no such object s3://${store.bucket}/${recordingKey}`);
    throw err; // S3 trouble fails the whole submission; nothing is queued and it can be resubmitted
  }
}

/** The manifest of a new run: recordings in key order, one record id per run. */
export async function planRun(
  store: ObjectStore,
  request: RunRequest,
  runId: string,
  modelVersion: string,
  now: Date = new Date(),
): Promise<RunManifest> {
  const candidates = (await discoverRecordings(store, request)).sort((a, b) =>
    a.recordingKey < b.recordingKey ? -1 : a.recordingKey > b.recordingKey ? 1 : 0,
  );
  const planned = await pMap(candidates, (c) => planRecording(store, c, request.options.windowSeconds), {
    concurrency: FOOTER_CONCURRENCY,
  });
  const records: PlannedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  const seen = new Map<string, string>();
  for (const p of planned) {
    if ('error' in p) {
      rejected.push(p);
      continue;
    }
    const first = seen.get(p.recordId);
    if (first !== undefined) {
      rejected.push({
        recordId: p.recordId,
        recordingKey: p.recordingKey,
        error: `record id ${p.recordId} is also ${first}; outputs are stored by record id, so rename one`,
      });
      continue;
    }
    seen.set(p.recordId, p.recordingKey);
    records.push(p);
  }
  return {
    runId,
    bucket: request.bucket,
    createdAt: now.toISOString(),
    model: { version: modelVersion },
    options: request.options,
    records,
    rejected,
  };
}
