/**
 * The coordinator's /runs API answers, as the coordinator sends them and the CLI (or any
 * client) reads them: one definition for both ends.
 */
import type { AamiClass } from '../aami.js';

export type RecordState = 'queued' | 'classifying' | 'summarizing' | 'done' | 'failed' | 'cancelled';
export type RunState = 'planning' | 'running' | 'completed' | 'failed' | 'cancelled';
export const RUN_STATES: readonly RunState[] = ['planning', 'running', 'completed', 'failed', 'cancelled'];

/**
 * The segmentation window (s): beats are cut and normalised per 10 s of signal (libs/ecg
 * segmentBeats, after Kachuee et al. 2018), and the QRS detector needs that much to learn its
 * thresholds. Run windows are whole multiples of it, and a recording shorter than one cannot be
 * classified.
 */
export const SEGMENT_WINDOW_SECONDS = 10;

/**
 * Seconds of signal one classify job owns (`options.windowSeconds` of POST /runs): a multiple of
 * the 10 s segmentation window, from one minute to a day; the default chosen by measurement in
 * the pipeline benchmark.
 */
export const WINDOW_SECONDS = {
  min: 60,
  max: 24 * 3600,
  multipleOf: SEGMENT_WINDOW_SECONDS,
  default: 1800,
} as const;

export interface RecordStatus {
  recordId: string;
  recordingKey: string;
  state: RecordState;
  windows: { total: number; done: number; failed: number };
  /** Beats classified so far (all of them once done). */
  beats: number;
  /** Why the record failed: the planner's rejection or the failing job's error. */
  error?: string;
  classCounts?: Record<AamiClass, number>;
  outputs?: { beats: string; summary: string; evaluation?: string };
}

/** GET /runs/{runId}/records: one page of the run's records. */
export interface RecordList {
  records: RecordStatus[];
  /** Records of the run matching the filter (all pages). */
  total: number;
}

export interface RunStatus {
  runId: string;
  bucket: string;
  model: string;
  state: RunState;
  createdAt: string;
  /** When the whole flow was queued and work could start (the planning gate's finish time). */
  startedAt?: string;
  completedAt?: string;
  cancelledAt?: string;
  error?: string;
  records: { total: number; done: number; failed: number; running: number; queued: number };
  windows: { total: number; done: number; failed: number };
  beats: number;
  /** Recorded (ECG) hours covered by the windows done. */
  recordedHours: number;
  throughput: { beatsPerSecond: number; recordsPerMinute: number; recordedHoursPerWallMinute: number } | null;
  /** Seconds until every window is done, at the rate so far; null before the first window or after the end. */
  etaSeconds: number | null;
  outputs: { manifest: string; summaryCsv: string; summaryParquet: string };
}

export const RECORD_STATES: readonly RecordState[] = [
  'queued',
  'classifying',
  'summarizing',
  'done',
  'failed',
  'cancelled',
];

export type SubmitOutcome = 'planned' | 'resumed' | 'already-complete';

export interface SubmitAnswer {
  runId: string;
  outcome: SubmitOutcome;
  bucket: string;
  model: string;
  records: number;
  rejected: { recordId: string; recordingKey: string; error: string }[];
  /** Jobs offered to the queues (ids that already existed were not added again). */
  jobs: number;
  manifest: string;
}

/** GET /runs. */
export interface RunList {
  runs: RunListEntry[];
  /** Runs in the index (all pages). */
  total: number;
  /**
   * True while the coordinator rebuilds its run index from S3 after Redis lost it: `runs` and
   * `total` may then miss runs that are still in S3. Ask again once it is false.
   */
  indexing: boolean;
}

export interface RunListEntry {
  runId: string;
  bucket: string;
  model: string;
  createdAt: string;
  records: number;
  rejected: number;
  completedAt?: string;
  cancelledAt?: string;
}
