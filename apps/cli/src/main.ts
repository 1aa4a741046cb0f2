#!/usr/bin/env node
/** The `holterflow` command. Each sub-command lives in its own module under ./commands. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { loadCheckoutStackEnv } from './checkout-env.js';

// The AWS SDK warns on every Node < 22 process that its releases after January 2027 will need
// Node 22 (the README says so once). In a command's output it is only noise between the user
// and the result; the services keep the warning in their logs for operators. Set before any
// command module (and so the SDK) is loaded.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A new shell in this checkout talks to this checkout's stack, not whatever answers on :9000.
loadCheckoutStackEnv();

/** apps/cli/package.json, one level above both src/ and dist/. */
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('holterflow')
  .description('Bulk classification of Holter ECG archives into AAMI EC57 beat classes')
  .version(version, '-V, --version', 'print the version')
  // `holterflow --version` only before a command: `train --version <v>` names a model version.
  .enablePositionalOptions()
  .showHelpAfterError();

try {
  await registerCommands(program, process.argv.slice(2));
  await program.parseAsync(process.argv);
} catch (err: unknown) {
  console.error(`holterflow: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
