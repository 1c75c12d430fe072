/**
 * `inflow hub`: runs the organisation's hub, and manages its device tokens and users. Every
 * subcommand opens the same database: PGlite in --data, or PostgreSQL when DATABASE_URL is
 * set.
 */
import { resolve } from 'node:path';
import { copyToPostgres } from './hub-commands/copy';
import { DEFAULT_DATA, targetOf } from './hub-commands/database';
import { addPacks } from './hub-commands/pack';
import { minGroupOf, portOf, runHub } from './hub-commands/run';
import { settingsCommand } from './hub-commands/settings';
import { tokenCommand } from './hub-commands/token';
import { userCommand } from './hub-commands/user';
import { EXIT_OK, type Io, parse, UsageError } from './io';

export const hubHelp = `Usage: inflow hub [--port 8788] [--host 127.0.0.1] [--data ${DEFAULT_DATA}] [--trust-proxy]
                  [--min-group 5]
       inflow hub token create --name <device or fleet name>
       inflow hub token list
       inflow hub token revoke <id>
       inflow hub user add <name> --role admin|author|viewer [--password-stdin]
       inflow hub user list
       inflow hub user role <name> --role admin|author|viewer
       inflow hub user password <name> [--password-stdin]
       inflow hub user remove <name>
       inflow hub settings [set webhook|url <URL> | unset webhook|url]
       inflow hub pack add <file|dir>...
       inflow hub copy --to postgres://user:password@host/database [--data ${DEFAULT_DATA}]

Runs the hub: the organisation's own server that collects events from the browsers it
gave a device token (POST /api/events). Stop with Ctrl+C. See docs/hub.md.

The database is PGlite (PostgreSQL in WebAssembly) kept in the --data directory, or the
PostgreSQL server named by the DATABASE_URL environment variable. One process at a time
may use a data directory: stop the hub to run the token and user commands on it.

Subcommands:
  token create   Make a device token; it is printed once, only its hash is stored.
  token list     List device tokens (id, name, created, revoked).
  token revoke   Revoke a device token: its browsers get 401 from then on.
  user add       Add a person who may sign in (POST /api/session). The password
                 is read from stdin with --password-stdin, else made up and printed once.
  user list      List the people who may sign in (name, role, created).
  user role      Give a person another role.
  user password  Set a new password (from stdin with --password-stdin, else made up
                 and printed once).
  user remove    Remove a person.
                 Role, password and remove sign the person out everywhere.
  settings       Show the hub's settings. "set webhook <URL>" posts alerts (a target
                 missing across the fleet) there as {"text": "..."}; "set url <URL>" is
                 the hub's address as people reach it, for the link in an alert. http(s)
                 only; a webhook URL is shown as its origin only. "unset" removes one.
  pack add       Keep published packs so the hub's pages name aids and steps. Each is
                 validated as inflow validate does; if any has a problem, the problems
                 are printed and no pack is added. A directory means its packs.
  copy           Move to PostgreSQL: copy every table of the --data directory into the
                 empty database --to names (its migrations run first), then compare the
                 row counts. Stop the hub first; start it again with DATABASE_URL.

Options:
  --port <n>         Port (default 8788; 0 picks a free one).
  --host <addr>      Address to listen on (default 127.0.0.1, this machine only).
  --data <dir>       PGlite data directory (default ${DEFAULT_DATA}).
  --trust-proxy      Believe X-Forwarded-Proto/-Host/-For from the reverse proxy in front
                     of the hub (HTTPS cookies, sign-in limits per client). Only when
                     clients cannot reach the hub without going through that proxy.
  --min-group <n>    The smallest group of people whose counts the fleet views show
                     apart (default 5): a smaller group's counts could point at a person.
  --name <name>      For token create.
  --role <role>      For user add: admin, author or viewer.
  --password-stdin   For user add.
  --to <url>         For copy: the PostgreSQL database to copy into.
  -h, --help         This help.`;

export async function hubCommand(
  args: string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parse(args, {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    data: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'trust-proxy': { type: 'boolean' },
    'min-group': { type: 'string' },
    to: { type: 'string' },
  });
  if (values.help) {
    io.out(hubHelp);
    return EXIT_OK;
  }
  const [group, action, ...rest] = positionals;
  if (group === 'copy') {
    if (action !== undefined) throw new UsageError('copy takes no arguments, only --to and --data');
    return copyToPostgres(resolve(values.data ?? DEFAULT_DATA), values.to, io);
  }
  const target = targetOf(values.data, env);

  if (group === undefined) {
    return runHub(
      target,
      portOf(values.port),
      values.host,
      values['trust-proxy'] === true,
      minGroupOf(values['min-group']),
      io,
    );
  }

  if (group === 'token') return tokenCommand(target, action, rest, values, io);
  if (group === 'user') return userCommand(target, action, rest, values, io);
  if (group === 'pack' && action === 'add') {
    if (!rest.length) throw new UsageError('pack add needs at least one pack file or directory');
    return addPacks(target, rest, io);
  }
  if (group === 'settings') return settingsCommand(target, action, rest, io);
  throw new UsageError(`unknown subcommand "${positionals.join(' ')}"`);
}
