/** `holterflow stack up|down|status`: the built-in local dev stack (logic in ../stack). */
import type { Command } from 'commander';
import {
  defaultStackOptions,
  stackDown,
  stackEnv,
  stackStatus,
  stackUp,
  type StackOptions,
} from '../stack/local-stack.js';

interface StackFlags {
  s3Host: string;
  s3Port: string;
  bucket: string;
  stateDir: string;
}

export function register(program: Command): void {
  const defaults = defaultStackOptions();
  const stack = program
    .command('stack')
    .description('run the local dev stack: s3rver on 127.0.0.1:9000 (bucket holterflow) + a check of Redis');

  const withFlags = (cmd: Command) =>
    cmd
      .option('--s3-host <host>', 'address s3rver binds to', defaults.s3Host)
      .option('--s3-port <port>', 'port s3rver listens on', String(defaults.s3Port))
      .option('--bucket <name>', 'bucket to create', defaults.bucket)
      .option('--state-dir <dir>', 'where object data, pid file and log live', defaults.stateDir);

  withFlags(stack.command('up'))
    .description('start s3rver (if not running), create the bucket, check Redis, print the env vars')
    .action(async (flags: StackFlags) => {
      const result = await stackUp(toOptions(flags, defaults));
      console.log(
        result.started
          ? `s3rver started (pid ${result.s3.pid}) at ${result.s3.endpoint}, data in ${result.s3.dataDir}`
          : `s3rver already running (pid ${result.s3.pid}) at ${result.s3.endpoint}`,
      );
      console.log(`bucket ${result.s3.bucket} ready; Redis reachable at ${result.redis.url}`);
      const builtIn = JSON.stringify(stackEnv(defaults)) === JSON.stringify(result.env);
      console.log(
        builtIn
          ? '\nThese are the built-in defaults, so nothing needs exporting; to be explicit:'
          : '\nExport these so apps and commands use this stack:',
      );
      for (const [k, v] of Object.entries(result.env)) console.log(`export ${k}=${v}`);
    });

  withFlags(stack.command('down'))
    .description('stop the stack s3rver (object data is kept; Redis is not touched)')
    .action(async (flags: StackFlags) => {
      const { stoppedPid } = await stackDown(toOptions(flags, defaults));
      console.log(stoppedPid === undefined ? 's3rver was not running' : `s3rver stopped (pid ${stoppedPid})`);
    });

  withFlags(stack.command('status'))
    .description('report whether s3rver runs and Redis answers (exit code 1 unless both are up)')
    .option('--json', 'print machine-readable status')
    .action(async (flags: StackFlags & { json?: boolean }) => {
      const status = await stackStatus(toOptions(flags, defaults));
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

function toOptions(flags: StackFlags, defaults: StackOptions): StackOptions {
  const port = Number(flags.s3Port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--s3-port ${flags.s3Port}: not a port`);
  return { ...defaults, s3Host: flags.s3Host, s3Port: port, bucket: flags.bucket, stateDir: flags.stateDir };
}
