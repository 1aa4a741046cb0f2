/** `holterflow stack up|down|status`: the built-in local dev stack (logic in ../stack). */
import type { Command } from 'commander';
import {
  defaultStackOptions,
  stackDown,
  stackEnv,
  stackOptionsFrom,
  stackStatus,
  stackUp,
  type StackFlags,
} from '../stack/local-stack.js';

export function register(program: Command): void {
  const defaults = defaultStackOptions();
  const stack = program
    .command('stack')
    .description('run the local dev stack: s3rver on 127.0.0.1:9000 (bucket holterflow) + a check of Redis');

  // No commander defaults: an option not given falls back to the stack recorded in stack.env.
  const withFlags = (cmd: Command) =>
    cmd
      .option('--s3-host <host>', `address s3rver binds to (default ${defaults.s3Host})`)
      .option(
        '--s3-port <port>',
        `port s3rver listens on (default: the recorded stack's, else ${defaults.s3Port})`,
      )
      .option('--bucket <name>', `bucket to create (default ${defaults.bucket})`)
      .option(
        '--queue-prefix <prefix>',
        'BullMQ key prefix for this stack (default bull on port 9000, holterflow-<port> on another)',
      )
      .option(
        '--coordinator-port <port>',
        `where this stack's coordinator listens (default ${defaults.coordinatorPort})`,
      )
      .option(
        '--state-dir <dir>',
        'where object data, pid file, log and stack.env live (default $HOLTERFLOW_STATE_DIR or .holterflow of the checkout)',
      );

  withFlags(stack.command('up'))
    .description('start s3rver (if not running), create the bucket, check Redis, print the env vars')
    .action(async (flags: StackFlags) => {
      const result = await stackUp(stackOptionsFrom(flags));
      console.log(
        result.started
          ? `s3rver started (pid ${result.s3.pid}) at ${result.s3.endpoint}, data in ${result.s3.dataDir}`
          : `s3rver already running (pid ${result.s3.pid}) at ${result.s3.endpoint}`,
      );
      console.log(`bucket ${result.s3.bucket} ready; Redis reachable at ${result.redis.url}`);
      if (result.seeded.length)
        console.log(
          `new bucket: shipped models ${result.seeded.join(', ')} copied into s3://${result.s3.bucket}/models/`,
        );
      const builtIn = JSON.stringify(stackEnv(defaults)) === JSON.stringify(result.env);
      console.log(
        builtIn
          ? '\nThese are the built-in defaults, so nothing needs exporting; to be explicit:'
          : '\nExport these so apps and commands use this stack:',
      );
      for (const [k, v] of Object.entries(result.env)) console.log(`export ${k}=${v}`);
      console.log(
        `(written to ${result.envFile} with this stack's admin key; holterflow commands of this checkout read it, ` +
          'services need it exported: set -a; . <file>; set +a)',
      );
    });

  withFlags(stack.command('down'))
    .description('stop the stack s3rver (object data is kept; Redis is not touched)')
    .action(async (flags: StackFlags) => {
      const { stoppedPid } = await stackDown(stackOptionsFrom(flags));
      console.log(stoppedPid === undefined ? 's3rver was not running' : `s3rver stopped (pid ${stoppedPid})`);
    });

  withFlags(stack.command('status'))
    .description('report whether s3rver runs and Redis answers (exit code 1 unless both are up)')
    .option('--json', 'print machine-readable status')
    .action(async (flags: StackFlags & { json?: boolean }) => {
      const status = await stackStatus(stackOptionsFrom(flags));
      if (flags.json) console.log(JSON.stringify(status, null, 2));
      else {
        console.log(
          status.s3.running
            ? `s3    running (pid ${status.s3.pid}) at ${status.s3.endpoint}, bucket ${status.s3.bucket}`
            : `s3    stopped (start with: holterflow stack up)`,
        );
        console.log(
          status.redis.reachable
            ? `redis reachable at ${status.redis.url}`
            : `redis NOT reachable at ${status.redis.url} (${status.redis.problem})`,
        );
      }
      if (!status.s3.running || !status.redis.reachable) process.exitCode = 1;
    });
}
