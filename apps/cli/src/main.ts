#!/usr/bin/env node
/** The `holterflow` command. Each sub-command lives in its own module under ./commands. */
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command()
  .name('holterflow')
  .description('Bulk classification of Holter ECG archives into AAMI EC57 beat classes')
  .showHelpAfterError();

registerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`holterflow: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
