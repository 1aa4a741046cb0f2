/** Polls a run until it ends, reporting each status (the CLI draws bars; the demo prints lines). */
import type { CoordinatorClient, RunProgress } from './coordinator-client.js';

const FINAL_STATES = new Set<RunProgress['state']>(['completed', 'failed', 'cancelled']);

export async function waitForRun(
  client: CoordinatorClient,
  runId: string,
  onProgress: (p: RunProgress) => void,
  pollMs = 1000,
): Promise<RunProgress> {
  for (;;) {
    const progress = await client.status(runId);
    onProgress(progress);
    if (FINAL_STATES.has(progress.state)) return progress;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
