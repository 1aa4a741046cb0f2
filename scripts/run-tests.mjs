#!/usr/bin/env node
// The one test command (README, CI): finds every *.test.ts under libs, apps and test,
// runs them with Node's own test runner through tsx, and ends with a plain
// "N passed, N failed" line. Arguments narrow the run: `npm test -- libs/formats`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['libs', 'apps', 'test'];

function findTests(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = roots
  .flatMap((r) => {
    const abs = join(root, r);
    return statSync(abs, { throwIfNoEntry: false })?.isFile() ? [abs] : findTests(abs, []);
  })
  .map((f) => relative(root, f))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}

const args = [
  '--import',
  'tsx',
  '--test',
  // Files that start servers and workers share one Redis and two cores: run them one at a time.
  '--test-concurrency=1',
  // A test that hangs (a worker that never exits, a lost Redis reply) fails after 10 minutes
  // instead of stalling CI until its limit; the slowest real test takes about two.
  '--test-timeout=600000',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/summary-reporter.mjs',
  '--test-reporter-destination=stdout',
  ...files,
];
// The AWS SDK prints a 9-line notice in every process on Node < 22 that its 2027 releases need
// Node 22 (README "The two commands" says so once): in test output it buried the results, once per
// process that touched S3. Test processes and the services they spawn inherit this.
// HOLTERFLOW_STATE_DIR: a state dir with no stack.env, so CLI processes under test never pick up
// the variables of a stack the developer runs in this checkout (the CLI loads its stack.env).
const env = {
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  HOLTERFLOW_STATE_DIR: join(tmpdir(), `holterflow-tests-no-stack-${process.pid}`),
};
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
