import type { Command } from 'commander';

/** One entry per sub-command module; each module exports `register(program)`. */
const modules: { register(program: Command): void }[] = [];

export function registerCommands(program: Command): void {
  for (const m of modules) m.register(program);
}
