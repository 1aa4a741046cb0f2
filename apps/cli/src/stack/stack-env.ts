/**
 * `<state dir>/stack.env`: the variables `holterflow stack up` writes so apps and commands reach
 * that stack (KEY=value lines). The CLI loads the file of its checkout at start (variables set
 * in the environment win), so commands in a new shell talk to this checkout's stack and not to
 * whatever else answers on the default port.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function stackEnvFile(stateDir: string): string {
  return join(stateDir, 'stack.env');
}

export function readStackEnv(stateDir: string): Record<string, string> | undefined {
  const file = stackEnvFile(stateDir);
  if (!existsSync(file)) return undefined;
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].trim();
  }
  return env;
}

export function writeStackEnv(stateDir: string, env: Record<string, string>): void {
  const file = stackEnvFile(stateDir);
  writeFileSync(
    file,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    // It holds the local stack's admin key: readable by its owner only.
    { mode: 0o600 },
  );
  chmodSync(file, 0o600); // `mode` applies only when the file is created
}

/**
 * Sets each variable of the stack.env in `stateDir` that `env` does not already have. Returns
 * the file and the variables it set, when there is a file.
 */
export function loadStackEnv(
  stateDir: string,
  env: Record<string, string | undefined>,
): { file: string; applied: string[] } | undefined {
  const recorded = readStackEnv(stateDir);
  if (recorded === undefined) return undefined;
  const applied: string[] = [];
  for (const [k, v] of Object.entries(recorded))
    if (!env[k]?.trim()) {
      env[k] = v;
      applied.push(k);
    }
  return { file: stackEnvFile(stateDir), applied };
}
