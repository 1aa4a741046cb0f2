/**
 * A worker or coordinator started with a bad variable stops at once, with one line naming the
 * variable and its value, before it connects to Redis or S3 (nothing listens at the addresses
 * given here, so a process that got that far would hang or fail differently).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function start(app: 'worker' | 'coordinator', env: Record<string, string>) {
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: root,
    env: {
      ...process.env,
      HOLTERFLOW_REDIS_URL: 'redis://127.0.0.1:1',
      HOLTERFLOW_S3_ENDPOINT: 'http://127.0.0.1:1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { ...run, seconds: (Date.now() - started) / 1000 };
}

for (const [app, name, value, problem] of [
  [
    'worker',
    'HOLTERFLOW_SHUTDOWN_GRACE_MS',
    'soon',
    'HOLTERFLOW_SHUTDOWN_GRACE_MS="soon" is not a positive integer',
  ],
  [
    'worker',
    'HOLTERFLOW_INFERENCE_ENGINE',
    'gpu',
    "HOLTERFLOW_INFERENCE_ENGINE: unknown inference engine 'gpu'",
  ],
  [
    'worker',
    'HOLTERFLOW_CLASSIFY_CONCURRENCY',
    '-2',
    'HOLTERFLOW_CLASSIFY_CONCURRENCY="-2" is not a positive integer',
  ],
  ['coordinator', 'PORT', '99999', 'PORT="99999" is not a TCP port (0-65535)'],
  ['coordinator', 'HOLTERFLOW_S3_ENDPOINT', 'minio:9000', 'HOLTERFLOW_S3_ENDPOINT="minio:9000" is not a URL'],
  // A key too short to be safe: its length is named, never the key itself.
  [
    'coordinator',
    'HOLTERFLOW_BOOTSTRAP_ADMIN_KEY',
    'hunter2',
    'HOLTERFLOW_BOOTSTRAP_ADMIN_KEY: 7 characters; use at least 32',
  ],
  [
    'coordinator',
    'HOLTERFLOW_SESSION_TTL_SECONDS',
    '8h',
    'HOLTERFLOW_SESSION_TTL_SECONDS="8h" is not a positive integer',
  ],
  [
    'coordinator',
    'HOLTERFLOW_LOG_LEVEL',
    'loud',
    'HOLTERFLOW_LOG_LEVEL="loud": use one of fatal, error, warn',
  ],
] as const) {
  test(`a ${app} with ${name}=${value} exits at once naming the variable`, () => {
    const run = start(app, { [name]: value });
    assert.equal(run.status, 1, `exit ${run.status} ${run.signal ?? ''}\n${run.stdout}\n${run.stderr}`);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line, not a stack trace:\n${run.stderr}`);
    assert.ok(lines[0].startsWith(`holterflow ${app}: ${problem}`), lines[0]);
    assert.equal(run.stdout, '', 'nothing started');
    if (name.endsWith('_KEY')) assert.ok(!run.stderr.includes(value), 'the key itself is not printed');
    assert.ok(run.seconds < 30, `took ${run.seconds} s`);
  });
}
