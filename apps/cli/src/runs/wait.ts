/** Polls a run until it ends, reporting each status (the CLI draws bars; the demo prints lines). */
import type { RunStatus } from '@holterflow/contracts/plain';
import type { CoordinatorClient } from './coordinator-client.js';

const FINAL_STATES = new Set<RunStatus['state']>(['completed', 'failed', 'cancelled']);

export async function waitForRun(
  client: CoordinatorClient,
  runId: string,
  onProgress: (p: RunStatus) => void,
  pollMs = 1000,
): Promise<RunStatus> {
  for (;;) {
    const progress = await client.status(runId);
    onProgress(progress);
    if (FINAL_STATES.has(progress.state)) return progress;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
