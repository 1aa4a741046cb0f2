/**
 * A summarized record's beats.parquet, parsed, for the routes that read it again and again while
 * an analyst pans through a record (signal, beats with from/to/limit). A record's beats.parquet
 * does not change once its summary.json exists (summary.json is written last), so entries never
 * go stale; the cache is bounded by entries (a 24 h record is ~100k beats, ~5 MB parsed).
 */
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { keys } from '@holterflow/contracts';
import { readBeatResultsParquet, type BeatResults, type BeatResultsMeta } from '@holterflow/formats';
import type { ObjectStore } from '@holterflow/storage';

export interface ParsedBeats {
  results: BeatResults;
  meta: BeatResultsMeta;
}

@Injectable()
export class BeatsCache {
  private readonly entries = new LRUCache<string, Promise<ParsedBeats>>({ max: 16 });

  /** The record's beats, read once; the caller has checked that summary.json exists. */
  read(store: ObjectStore, runId: string, recordId: string): Promise<ParsedBeats> {
    const id = `${store.bucket}/${runId}/${recordId}`;
    let entry = this.entries.get(id);
    if (!entry) {
      const key = keys.runRecordBeats(runId, recordId);
      entry = store.asyncBuffer(key).then((file) => readBeatResultsParquet(file, key));
      entry.catch(() => this.entries.delete(id));
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** The beats when the record is summarized, else undefined. */
  async ifSummarized(store: ObjectStore, runId: string, recordId: string): Promise<ParsedBeats | undefined> {
    const id = `${store.bucket}/${runId}/${recordId}`;
    if (this.entries.has(id)) return this.read(store, runId, recordId);
    if (!(await store.exists(keys.runRecordSummary(runId, recordId)))) return undefined;
    return this.read(store, runId, recordId);
  }
}
