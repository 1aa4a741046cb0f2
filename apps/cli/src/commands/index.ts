import type { Command } from 'commander';

interface CommandModule {
  register(program: Command): void;
}

/**
 * Which module registers each top-level command. Modules are imported only when needed: each
 * pulls in its libraries (the AWS SDK, BullMQ, the model, ...), and a CLI call should start in a
 * fraction of a second, so a call loads just the module of the command it names.
 */
const COMMAND_MODULES: Record<string, () => Promise<CommandModule>> = {
  ingest: () => import('./ingest.js'),
  stack: () => import('./stack.js'),
  'qrs-eval': () => import('./qrs-eval.js'),
  dataset: () => import('./dataset.js'),
  train: () => import('./train.js'),
  evaluate: () => import('./train.js'),
  run: () => import('./runs.js'),
  runs: () => import('./runs.js'),
  status: () => import('./runs.js'),
  results: () => import('./runs.js'),
  models: () => import('./models.js'),
  report: () => import('./report.js'),
  keys: () => import('./keys.js'),
  workers: () => import('./admin.js'),
  queues: () => import('./admin.js'),
  training: () => import('./training.js'),
};

/**
 * Registers the command `args` (the arguments after the program name) names; every command when
 * none is named (`--help` lists them) or the name is unknown (so commander can suggest one), and
 * none for a bare `--version`.
 */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const name = args.find((a) => !a.startsWith('-'));
  if (name === undefined && args.length > 0 && args.every((a) => a === '--version' || a === '-V')) return;
  const load = name !== undefined ? COMMAND_MODULES[name] : undefined;
  const loaders = load ? [load] : [...new Set(Object.values(COMMAND_MODULES))];
  const modules = await Promise.all(loaders.map((l) => l()));
  for (const m of new Set(modules)) m.register(program);
}
