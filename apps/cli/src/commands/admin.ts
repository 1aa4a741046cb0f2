/**
 * `holterflow workers` (live workers: role, host, pid, engine, concurrency, beats/s, last
 * heartbeat) and `holterflow queues [pause|resume|drain|retry-failed|clean-failed] <name>`
 * (counts per queue, or an action on one), through the coordinator's admin API with an admin
 * key in HOLTERFLOW_API_KEY.
 */
import type { Command } from 'commander';
import {
  QUEUE_COUNTED_STATES,
  type LiveWorker,
  type QueueActionAnswer,
  type QueueInfo,
  type QueueList,
  type WorkerList,
} from '@holterflow/contracts/plain';
import { CoordinatorClient, coordinatorUrl } from '../runs/coordinator-client.js';

interface Flags {
  coordinator?: string;
  json?: boolean;
}

const QUEUE_ACTIONS = ['pause', 'resume', 'drain', 'retry-failed', 'clean-failed'] as const;

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatWorkers(workers: LiveWorker[], timeoutSeconds: number, now = Date.now()): string {
  if (workers.length === 0)
    return `no live workers (a worker drops out ${timeoutSeconds} s after its last heartbeat)`;
  return table(
    ['role', 'host', 'pid', 'engine', 'concurrency', 'beats/s', 'last heartbeat'],
    workers.map((w) => [
      w.role,
      w.host,
      String(w.pid),
      w.engine,
      String(w.concurrency ?? '?'),
      w.beatsPerSecond.toFixed(0),
      w.lastHeartbeat
        ? `${((now - Date.parse(w.lastHeartbeat)) / 1000).toFixed(0)} s ago${w.connected ? '' : ' (disconnected)'}`
        : '?',
    ]),
  );
}

export function formatQueues(queues: QueueInfo[]): string {
  return table(
    ['queue', 'state', ...QUEUE_COUNTED_STATES],
    queues.map((q) => [
      q.name,
      q.paused ? 'paused' : 'running',
      ...QUEUE_COUNTED_STATES.map((c) => String(q.counts[c] ?? 0)),
    ]),
  );
}

export function register(program: Command): void {
  program
    .command('workers')
    .description('live workers: role, host, pid, engine, concurrency, beats/s, last heartbeat (admin key)')
    .option('--coordinator <url>', 'coordinator URL (default $HOLTERFLOW_COORDINATOR_URL)')
    .option('--json', 'print the answer of GET /admin/workers')
    .action(async (flags: Flags) => {
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      const answer = await client.call<WorkerList>('GET', '/admin/workers');
      console.log(
        flags.json
          ? JSON.stringify(answer, null, 2)
          : formatWorkers(answer.workers, answer.heartbeatTimeoutSeconds),
      );
    });

  program
    .command('queues')
    .description(`job counts per queue, or ${QUEUE_ACTIONS.join('|')} <name> (admin key)`)
    .argument('[action]', QUEUE_ACTIONS.join(' | '))
    .argument('[name]', 'queue name (ingest, classify, summarize, finalize, train)')
    .option('--coordinator <url>', 'coordinator URL (default $HOLTERFLOW_COORDINATOR_URL)')
    .option('--json', 'print the API answer')
    .action(async (action: string | undefined, name: string | undefined, flags: Flags) => {
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      if (action === undefined) {
        const { queues } = await client.call<QueueList>('GET', '/queues');
        console.log(flags.json ? JSON.stringify(queues, null, 2) : formatQueues(queues));
        return;
      }
      if (!(QUEUE_ACTIONS as readonly string[]).includes(action))
        throw new Error(`unknown action ${JSON.stringify(action)}: use ${QUEUE_ACTIONS.join(', ')}`);
      if (!name) throw new Error(`queues ${action} needs a queue name`);
      const answer = await client.call<QueueActionAnswer>(
        'POST',
        `/queues/${encodeURIComponent(name)}/${action}`,
      );
      if (flags.json) return console.log(JSON.stringify(answer, null, 2));
      const extra =
        answer.retried !== undefined
          ? `, ${answer.retried} retried`
          : answer.removed !== undefined
            ? `, ${answer.removed} removed`
            : '';
      console.log(`${answer.name}: ${action} done${extra}`);
      console.log(formatQueues([answer]));
    });
}
