/**
 * The environment for a CLI process under test: none of the caller's HOLTERFLOW_* or AWS_*
 * variables, and a state directory without a stack.env. The CLI falls back to the stack.env of
 * the checkout's local stack (.holterflow/, written by `npm run demo` or `holterflow stack up`),
 * so without this a developer who ran the demo first — as the README's two commands go — would
 * have these tests talk to the demo's stack with the demo's admin key.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let emptyStateDir: string | undefined;

export function isolatedCliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  emptyStateDir ??= mkdtempSync(join(tmpdir(), 'holterflow-cli-no-stack-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('HOLTERFLOW_') && !k.startsWith('AWS_')) env[k] = v;
  return { ...env, HOLTERFLOW_STATE_DIR: emptyStateDir, ...extra };
}
