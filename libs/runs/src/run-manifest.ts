/**
 * The one owner of runs/<runId>/manifest.json: every read and write of a run's manifest, by the
 * coordinator (plan, cancel, resubmit, retry, the run-index rebuild) and by the workers
 * (cancellation checks, finalize), goes through here, in one JSON encoding.
 *
 * Who writes what: the coordinator creates the manifest when it plans a run, sets cancelledAt on
 * cancel, removes it on resubmit (uncancel) and removes completedAt when failed records are
 * retried after the run finished (reopen); finalize sets completedAt once (markComplete).
 */
import { RunManifestSchema, keys, type RunManifest } from '@holterflow/contracts';
import type { ObjectStore } from '@holterflow/storage';

/** The manifest's bytes: compact JSON (a 1,000-record manifest is ~300 KB even so). */
export function encodeRunManifest(manifest: RunManifest): string {
  return JSON.stringify(manifest);
}

/** Fields of the manifest the cancellation check reads (the schema validates only those). */
const CancellationFields = RunManifestSchema.pick({ runId: true, cancelledAt: true });

export class RunManifests {
  constructor(private readonly store: ObjectStore) {}

  key(runId: string): string {
    return keys.runManifest(runId);
  }

  exists(runId: string): Promise<boolean> {
    return this.store.exists(this.key(runId));
  }

  /** The manifest, validated (ObjectNotFound when the run has none; StorageError when it is not valid). */
  read(runId: string): Promise<RunManifest> {
    return this.store.getJson(this.key(runId), RunManifestSchema);
  }

  /** When the run was cancelled, or undefined; validates only the fields it needs. */
  async cancelledAt(runId: string): Promise<string | undefined> {
    return (await this.store.getJson(this.key(runId), CancellationFields)).cancelledAt;
  }

  /** Writes a newly planned run's manifest. */
  create(manifest: RunManifest): Promise<void> {
    return this.write(manifest);
  }

  /** Marks the run cancelled; a run cancelled before keeps its first cancel time. */
  async markCancelled(manifest: RunManifest, at = new Date()): Promise<RunManifest> {
    const cancelled: RunManifest = { ...manifest, cancelledAt: manifest.cancelledAt ?? at.toISOString() };
    await this.write(cancelled);
    return cancelled;
  }

  /** A resubmitted cancelled run: no cancelledAt, so its jobs run again. */
  async uncancel(manifest: RunManifest): Promise<RunManifest> {
    const { cancelledAt: _, ...resumed } = manifest;
    await this.write(resumed);
    return resumed;
  }

  /** A finished run whose failed records are queued again: not complete until finalize says so. */
  async reopen(manifest: RunManifest): Promise<RunManifest> {
    const { completedAt: _, ...reopened } = manifest;
    await this.write(reopened);
    return reopened;
  }

  /** Finalize's mark; re-finalizing (a resumed or retried run) keeps the first completion time. */
  async markComplete(manifest: RunManifest, at = new Date()): Promise<RunManifest> {
    if (manifest.completedAt) return manifest;
    const complete: RunManifest = { ...manifest, completedAt: at.toISOString() };
    await this.write(complete);
    return complete;
  }

  private write(manifest: RunManifest): Promise<void> {
    return this.store.put(this.key(manifest.runId), encodeRunManifest(manifest), {
      contentType: 'application/json',
    });
  }
}
