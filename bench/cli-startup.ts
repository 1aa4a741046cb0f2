/**
 * Start-up time of the installed `holterflow` command (the compiled build in apps/cli/dist,
 * through apps/cli/bin/holterflow.js as `npx holterflow` runs it), against the aim of 0.5 s.
 *
 *   npm run build && node --import tsx bench/cli-startup.ts [--repeat 15]
 *
 * Each call is a fresh `node` process, timed from spawn to exit, one at a time. Printed per
 * command: the median and the slowest wall time, and the median CPU time of the process (user +
 * system): on this shared 2-core machine wall time moves with the load average (printed too),
 * CPU time much less. `status` asks a coordinator that is not there (a port nothing listens on):
 * it loads everything the command loads and makes its one HTTP request, then exits 1. The
 * sources through tsx (`npm run holterflow`, development) are timed the same way for comparison.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = 'apps/cli/bin/holterflow.js';
const AIM_SECONDS = 0.5;

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '15' } } });
const repeat = Number(values.repeat);

/** CPU seconds of every reaped child of this process (cutime + cstime, fields 16-17 in proc(5)). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function timeOnce(args: string[]): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuSeconds();
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      // A coordinator URL nothing answers on, and no developer's stack.env.
      env: {
        ...process.env,
        HOLTERFLOW_COORDINATOR_URL: 'http://127.0.0.1:1',
        HOLTERFLOW_STATE_DIR: '/nonexistent',
      },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', () =>
      resolve({
        wall: Number(process.hrtime.bigint() - started) / 1e9,
        cpu: childrenCpuSeconds() - cpuBefore,
      }),
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label: string, args: string[], times: number): Promise<number> {
  await timeOnce(args); // warm the file cache
  const runs: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < times; i++) runs.push(await timeOnce(args));
  const wall = median(runs.map((r) => r.wall));
  console.log(
    `${label.padEnd(44)} wall median ${wall.toFixed(3)} s, slowest ${Math.max(...runs.map((r) => r.wall)).toFixed(3)} s; ` +
      `CPU median ${median(runs.map((r) => r.cpu)).toFixed(2)} s  (${times} runs)`,
  );
  return wall;
}

if (!existsSync(new URL('../apps/cli/dist/main.js', import.meta.url))) {
  console.error('no compiled CLI: run `npm run build` first');
  process.exit(1);
}
console.log(
  `node ${process.version}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const compiled = [
  await measure('holterflow --version (compiled)', [BIN, '--version'], repeat),
  await measure('holterflow status <runId> (compiled)', [BIN, 'status', 'run-0'], repeat),
];
await measure('holterflow --help (compiled, loads every command)', [BIN, '--help'], Math.max(3, repeat / 3));
await measure(
  'holterflow --version (sources through tsx)',
  ['--import', 'tsx', 'apps/cli/src/main.ts', '--version'],
  3,
);
await measure(
  'holterflow status <runId> (sources through tsx)',
  ['--import', 'tsx', 'apps/cli/src/main.ts', 'status', 'run-0'],
  3,
);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const worst = Math.max(...compiled);
console.log(
  `aim: start-up <= ${AIM_SECONDS} s — ${worst <= AIM_SECONDS ? 'met' : 'NOT met'} (median wall of --version and status, worst ${worst.toFixed(3)} s)`,
);
