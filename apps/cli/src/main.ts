#!/usr/bin/env node
/** The `holterflow` command. Each sub-command lives in its own module under ./commands. */
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command()
  .name('holterflow')
  .description('Bulk classification of Holter ECG archives into AAMI EC57 beat classes')
  .showHelpAfterError();

registerCommands(program);

// The AWS SDK warns on every Node < 22 process that its releases after January 2027 will need
// Node 22 (README "The two commands" says so once). In a command's output it is only noise
// between the user and the result; the services keep the warning in their logs for operators.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`holterflow: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
