/**
 * HOLTERFLOW_COORDINATOR_URL's default and parser, without zod: the schema (environment.ts) uses
 * them for its entry, and CLI commands that only talk to the coordinator (`status`, `runs`, `run
 * cancel`) read the variable through them, so they start without loading zod's schemas
 * (bench/cli-startup.ts).
 */
export const DEFAULT_COORDINATOR_URL = 'http://127.0.0.1:3000';

/** A configuration mistake: reported as one line naming the variable, exit code 1. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The one-line message of a bad value of `name` (`problem` from a parser's ConfigError). */
export function variableProblem(name: string, problem: string): string {
  return problem.startsWith('"') ? `${name}=${problem}` : `${name}: ${problem}`;
}

/** An http(s) URL, or undefined when unset or blank. */
export function parseHttpUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim() || undefined;
  if (value !== undefined && !/^https?:\/\/[^/\s]+/.test(value))
    throw new ConfigError(`${JSON.stringify(value)} is not an http(s) URL`);
  return value;
}

/** HOLTERFLOW_COORDINATOR_URL of `env`, validated like the schema does; throws a ConfigError naming it. */
export function coordinatorUrlOf(env: Readonly<Record<string, string | undefined>>): string | undefined {
  try {
    return parseHttpUrl(env.HOLTERFLOW_COORDINATOR_URL);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(variableProblem('HOLTERFLOW_COORDINATOR_URL', err.message));
  }
}
