import type { Command } from 'commander';
import * as ingest from './ingest.js';
import * as stack from './stack.js';

/** One entry per sub-command module; each module exports `register(program)`. */
const modules: { register(program: Command): void }[] = [ingest, stack];

export function registerCommands(program: Command): void {
  for (const m of modules) m.register(program);
}
