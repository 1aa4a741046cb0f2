/**
 * `holterflow keys create --role <role> [--name <n>]` (the key on the last line, shown once),
 * `holterflow keys list`, `holterflow keys revoke <id>`. On a host with the bucket's S3
 * configuration they work without an API key; elsewhere `--via api` (the default when
 * HOLTERFLOW_API_KEY is set) goes through the coordinator with an admin key.
 */
import type { Command } from 'commander';
import { ROLES, RoleSchema, type ApiKeyInfo } from '@holterflow/auth';
import { coordinatorUrl } from '../runs/coordinator-client.js';
import { chooseVia, openKeyAdmin, type KeyAdmin } from '../keys/key-admin.js';

interface KeysFlags {
  via?: string;
  coordinator?: string;
}

async function withKeyAdmin<T>(flags: KeysFlags, use: (admin: KeyAdmin) => Promise<T>): Promise<T> {
  const admin = openKeyAdmin(chooseVia(flags.via), coordinatorUrl(flags.coordinator, process.env));
  try {
    return await use(admin);
  } finally {
    admin.close();
  }
}

export function formatKeys(keys: ApiKeyInfo[]): string {
  if (keys.length === 0) return 'no API keys';
  const rows = keys.map((k) => [
    k.id,
    k.role,
    k.revokedAt ? `revoked ${k.revokedAt}` : 'active',
    k.createdAt,
    k.name,
  ]);
  const header = ['id', 'role', 'state', 'created', 'name'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * --via and --coordinator on each sub-command: the program takes options positionally
 * (main.ts), so options of `keys` itself would only be read before `list`, not after it.
 */
function withWhereOptions(command: Command): Command {
  return command
    .option(
      '--via <s3|api>',
      'the bucket directly (default without HOLTERFLOW_API_KEY) or the coordinator API',
    )
    .option('--coordinator <url>', 'coordinator URL for --via api (default $HOLTERFLOW_COORDINATOR_URL)');
}

export function register(program: Command): void {
  const keys = program
    .command('keys')
    .description('API keys of the coordinator (roles admin, operator, analyst)');

  withWhereOptions(keys.command('create'))
    .description('create a key and print it once, on the last line (only its hash is stored)')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--name <name>', 'who or what uses it', '')
    .action(async (opts: { role: string; name: string } & KeysFlags, command: Command) => {
      const role = RoleSchema.safeParse(opts.role);
      if (!role.success) throw new Error(`--role ${JSON.stringify(opts.role)}: use ${ROLES.join(', ')}`);
      const created = await withKeyAdmin(command.optsWithGlobals<KeysFlags>(), (a) =>
        a.create(role.data, opts.name),
      );
      console.log(
        `created ${created.info.role} key ${created.info.id}${opts.name ? ` (${opts.name})` : ''}; store it now, it is not shown again:`,
      );
      console.log(created.key);
    });

  withWhereOptions(keys.command('list'))
    .description('every key: id, role, active or revoked, created, name (never a secret)')
    .action(async (_opts: object, command: Command) => {
      console.log(formatKeys(await withKeyAdmin(command.optsWithGlobals<KeysFlags>(), (a) => a.list())));
    });

  withWhereOptions(keys.command('revoke'))
    .description(
      'revoke a key by its id (refused at once by the coordinator that revokes, within 30 s by others)',
    )
    .argument('<id>', 'as printed by create or list')
    .action(async (id: string, _opts: object, command: Command) => {
      const info = await withKeyAdmin(command.optsWithGlobals<KeysFlags>(), (a) => a.revoke(id));
      console.log(`revoked ${info.role} key ${info.id} at ${info.revokedAt ?? '?'}`);
    });
}
