/**
 * The checkout's stack.env, loaded into process.env when the CLI starts (variables already set
 * in the environment win). Kept free of heavy imports: every CLI call runs it before anything.
 */
import { stateDirOf } from './checkout.js';
import { loadStackEnv } from './stack/stack-env.js';

let loaded: { file: string; keys: Set<string> } | undefined;

export function loadCheckoutStackEnv(env: Record<string, string | undefined> = process.env): void {
  const result = loadStackEnv(stateDirOf(env), env);
  loaded = result && { file: result.file, keys: new Set(result.applied) };
}

/** Where a variable's value came from, for messages: the stack.env file or the environment. */
export function sourceOf(variable: string): string {
  return loaded?.keys.has(variable) ? `from ${loaded.file}` : 'from the environment';
}
