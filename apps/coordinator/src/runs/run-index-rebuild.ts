/**
 * Rebuilds the run index (run-index.ts) from the manifests in S3 when Redis has lost it: a Redis
 * without persistence restarted, a FLUSHDB, a new Redis pointed at an old bucket. Without this,
 * GET /runs answers an empty list although every run is still in S3.
 *
 * Runs in the background after start-up (start-up and requests never wait for it); GET /runs
 * reports `indexing: true` meanwhile. Only the configured bucket is scanned: runs kept in other
 * buckets become listable again when they are resubmitted (which resumes them).
 */
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { isSafeId, PREFIXES, type RunManifest } from '@holterflow/contracts';
import { RunManifests } from '@holterflow/runs';
import { ObjectNotFound, StorageError, type ObjectStore } from '@holterflow/storage';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { REDIS } from '../queues/redis.js';
import { OBJECT_STORE } from '../storage/storage.module.js';
import pMap from 'p-map';
import { RunIndex } from './run-index.js';

/** Manifests read at once: enough to hide S3 latency, few enough not to crowd out requests. */
const MANIFEST_READS_IN_FLIGHT = 16;
const RUNS_PREFIX = PREFIXES.runs;
/** ObjectStore.getJson's code for an object that is not JSON or not of the schema. */
const INVALID_JSON = 'InvalidJson';

export interface RebuildReport {
  /** Folders found under runs/. */
  found: number;
  indexed: number;
  /** Folders without a valid manifest of the run they are named after (none, corrupt, another run's). */
  skipped: number;
  /** Manifests that could not be read (S3 failing after retries): the next start tries them again. */
  unreadable: number;
  /** True when the coordinator shut down before every folder was looked at. */
  stopped: boolean;
  ms: number;
}

export interface RebuildOptions {
  /** Asked before each manifest read: true ends the rebuild early (the coordinator is stopping). */
  shouldStop: () => boolean;
  /** A folder skipped or a manifest unreadable, and why. */
  onSkip: (manifestKey: string, reason: string) => void;
  concurrency?: number;
}

/**
 * Indexes every run under `runs/` of `store` whose manifest is readable. An entry already in the
 * index keeps its time (RunIndex.add is NX), so a run submitted meanwhile is not disturbed.
 */
export async function rebuildRunIndex(
  index: RunIndex,
  store: ObjectStore,
  options: RebuildOptions,
): Promise<RebuildReport> {
  const started = performance.now();
  const runIds: string[] = [];
  let stopped = false;
  for await (const folder of store.listPrefixes(RUNS_PREFIX)) {
    if ((stopped = options.shouldStop())) break;
    runIds.push(folder.slice(RUNS_PREFIX.length, -1));
  }
  const counts = { indexed: 0, skipped: 0, unreadable: 0 };
  await pMap(
    runIds,
    async (runId) => {
      if (options.shouldStop()) {
        stopped = true;
        return;
      }
      const read = await readManifest(store, runId);
      if ('manifest' in read) {
        // The bucket the manifest was found in is where GET /runs/:id must look for it. A Redis
        // failure here is not skipped: it ends the rebuild, which the next start then redoes.
        await index.add(runId, store.bucket, read.manifest.createdAt);
        counts.indexed++;
      } else {
        counts[read.outcome]++;
        options.onSkip(`${RUNS_PREFIX}${runId}/manifest.json`, read.reason);
      }
    },
    { concurrency: options.concurrency ?? MANIFEST_READS_IN_FLIGHT },
  );
  return { found: runIds.length, ...counts, stopped, ms: performance.now() - started };
}

type ManifestRead = { manifest: RunManifest } | { outcome: 'skipped' | 'unreadable'; reason: string };

async function readManifest(store: ObjectStore, runId: string): Promise<ManifestRead> {
  if (!isSafeId(runId)) return { outcome: 'skipped', reason: 'not a run id' };
  try {
    const manifest = await new RunManifests(store).read(runId);
    if (manifest.runId !== runId)
      return { outcome: 'skipped', reason: `the manifest is of run ${manifest.runId}` };
    return { manifest };
  } catch (err) {
    if (err instanceof ObjectNotFound) return { outcome: 'skipped', reason: 'no manifest' };
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof StorageError && err.code === INVALID_JSON) return { outcome: 'skipped', reason };
    return { outcome: 'unreadable', reason };
  }
}

/** Starts the rebuild when the index is empty or a previous rebuild was cut short. */
@Injectable()
export class RunIndexRebuild implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('runs');
  private readonly index: RunIndex;
  /** The check-and-rebuild in progress, if any. */
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(COORDINATOR_CONFIG) config: CoordinatorConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {
    this.index = new RunIndex(redis, config.queuePrefix);
  }

  /**
   * True from start-up until the index is known to be complete. It starts true (not only once
   * the index is found empty) so that an empty list is never presented as final.
   */
  get indexing(): boolean {
    return this.running !== undefined;
  }

  onApplicationBootstrap(): void {
    this.running = this.rebuildIfLost()
      .catch((err: unknown) =>
        this.logger.error(
          `run index rebuild failed (the next start does it again): ${err instanceof Error ? err.message : String(err)}`,
        ),
      )
      .finally(() => (this.running = undefined));
  }

  /** Lets a rebuild stop between manifests, before Redis and S3 clients are closed. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async rebuildIfLost(): Promise<void> {
    const cutShort = await this.index.wasRebuildCutShort();
    if (!cutShort && !(await this.index.isEmpty())) return;
    const where = `s3://${this.store.bucket}/${RUNS_PREFIX}`;
    this.logger.log(
      `run index ${cutShort ? 'rebuild was cut short' : 'is empty'}: rebuilding it from ${where}`,
    );
    await this.index.markRebuilding(new Date().toISOString());
    const report = await rebuildRunIndex(this.index, this.store, {
      shouldStop: () => this.stopping,
      onSkip: (key, reason) =>
        this.logger.warn(`run index: skipped s3://${this.store.bucket}/${key}: ${reason}`),
    });
    const summary =
      `${report.indexed} of ${report.found} runs re-indexed from ${where} in ` +
      `${(report.ms / 1000).toFixed(1)} s, ${report.skipped} skipped, ${report.unreadable} unreadable`;
    if (report.stopped || report.unreadable > 0) {
      const why = report.stopped ? 'stopped by shutdown' : 'incomplete';
      this.logger.warn(`run index rebuild ${why}: ${summary}; the next start does it again`);
      return;
    }
    await this.index.markRebuilt();
    this.logger.log(summary);
  }
}
