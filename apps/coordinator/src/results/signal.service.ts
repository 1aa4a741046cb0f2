/**
 * The ECG of a record by time range, for the console's viewer: the canonical recording's row
 * groups that overlap [start, end) are read by HTTP range (libs/formats readSamples; never the
 * whole object), long ranges are reduced to min/max pairs per bucket of samples, and the beats
 * and unanalysable stretches of the range come along once the record is summarized.
 */
import {
  BadRequestException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RecordInputError, type SignalAnswer } from '@holterflow/contracts';
import { openRecording, type RecordingSource } from '@holterflow/formats';
import { ObjectNotFound, type ObjectStore } from '@holterflow/storage';
import { RunsService } from '../runs/runs.service.js';
import { BeatsCache } from './beats-cache.js';
import type { SignalQuery } from './signal.dto.js';

@Injectable()
export class SignalService {
  /** Opened recordings (their parsed footer), so a pan through a record reads no footer again. */
  private readonly sources = new LRUCache<string, Promise<RecordingSource>>({ max: 64 });

  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(BeatsCache) private readonly beats: BeatsCache,
  ) {}

  async signal(runId: string, recordId: string, query: SignalQuery): Promise<SignalAnswer> {
    const { manifest, store } = await this.runs.manifest(runId);
    const planned = manifest.records.find((r) => r.recordId === recordId);
    if (!planned) throw new NotFoundException(`run ${runId} has no record ${JSON.stringify(recordId)}`);
    // The recording is the lab's input: gone or unreadable is said, never a 500.
    const inputProblem = (err: unknown): never => {
      if (err instanceof ObjectNotFound)
        throw new NotFoundException(
          `record ${recordId}: its recording s3://${manifest.bucket}/${planned.recordingKey} no longer exists`,
        );
      if (err instanceof RecordInputError)
        throw new UnprocessableEntityException(`record ${recordId}: ${err.message}`);
      throw err;
    };
    const source = await this.source(store, manifest.bucket, planned.recordingKey).catch(inputProblem);
    const { fs, numSamples, leads } = source.meta;
    const durationS = numSamples / fs;
    if (query.start >= durationS)
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'the request is not valid',
        problems: [
          { field: 'start', problem: `the recording is ${durationS} s long; "start" must be before that` },
        ],
      });
    const from = Math.floor(query.start * fs);
    const to = Math.min(numSamples, Math.ceil(query.end * fs));
    const samples = await source.readSamples(from, to).catch(inputProblem);
    const n = to - from;
    const step = n <= query.maxPoints ? 1 : Math.ceil(n / Math.floor(query.maxPoints / 2));
    const values = samples.map((s) => (step === 1 ? everySample(s) : minMaxPairs(s, step)));
    const answer: SignalAnswer = {
      runId,
      recordId,
      fs,
      leads,
      startS: from / fs,
      endS: to / fs,
      durationS,
      step,
      values,
      beats: null,
      unanalysable: null,
    };
    const cached = await this.beats.ifSummarized(store, runId, recordId);
    if (cached) {
      const { results, meta } = cached;
      const timeS: number[] = [];
      let classes = '';
      const lo = lowerBound(results.samples, from);
      for (let i = lo; i < results.samples.length && results.samples[i] < to; i++) {
        timeS.push(results.timeS[i]);
        classes += results.classes[i];
      }
      answer.beats = { timeS, classes };
      answer.unanalysable = meta.unreadable
        .filter((u) => u.end > from && u.start < to)
        .map((u) => ({ startS: u.start / fs, endS: u.end / fs, reason: u.reason }));
    }
    return answer;
  }

  private source(store: ObjectStore, bucket: string, key: string): Promise<RecordingSource> {
    const id = `${bucket}/${key}`;
    let source = this.sources.get(id);
    if (!source) {
      source = store.asyncBuffer(key).then((file) => openRecording(key, file));
      // A failed open (the object gone, S3 trouble) is not remembered.
      source.catch(() => this.sources.delete(id));
      this.sources.set(id, source);
    }
    return source;
  }
}

function round(v: number): number | null {
  return Number.isNaN(v) ? null : Math.round(v * 1000) / 1000;
}

function everySample(s: Float32Array): (number | null)[] {
  return Array.from(s, round);
}

/** Each bucket of `step` samples as its min then its max: a spike never disappears. */
function minMaxPairs(s: Float32Array, step: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < s.length; i += step) {
    let min = Infinity;
    let max = -Infinity;
    const end = Math.min(s.length, i + step);
    for (let j = i; j < end; j++) {
      const v = s[j];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // A bucket of NaN only (missing signal) compares false everywhere: a gap.
    out.push(min === Infinity ? null : round(min), max === -Infinity ? null : round(max));
  }
  return out;
}

function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
