/**
 * `inflow hub`: runs the organisation's hub, and manages its device tokens and users. Every
 * subcommand opens the same database: PGlite in --data, or PostgreSQL when DATABASE_URL is
 * set.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { escapeControls, formatProblems } from '../aids/validate';
import { CopyMismatch, CopyRefused, copyDatabase } from '../hub/copy';
import type { DatabaseTarget, HubDb } from '../hub/db/open';
import { openDatabase } from '../hub/db/open';
import type { UserRole } from '../hub/db/schema';
import { createDevice, listDevices, revokeDevice } from '../hub/devices';
import { addPack } from '../hub/packs';
import { startHub } from '../hub/server';
import {
  checkSettingUrl,
  readSettings,
  SETTING_KEYS,
  type SettingKey,
  setSetting,
  shownUrl,
  unsetSetting,
} from '../hub/settings';
import {
  addUser,
  changeUser,
  generatePassword,
  listUsers,
  USER_ROLES,
  UserExistsError,
} from '../hub/users';
import { CliError, EXIT_FAILED, EXIT_OK, type Io, parse, UsageError } from './io';
import { findPackFiles, loadPacks, plural } from './packs';

const DEFAULT_DATA = './inflow-hub-data';

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

function targetOf(data: string | undefined, env: NodeJS.ProcessEnv): DatabaseTarget {
  const url = env.DATABASE_URL;
  if (url) {
    if (data !== undefined) throw new UsageError('--data and DATABASE_URL: use one of them');
    return { databaseUrl: url };
  }
  return { dataDir: resolve(data ?? DEFAULT_DATA) };
}

async function withDb<T>(target: DatabaseTarget, work: (db: HubDb) => Promise<T>): Promise<T> {
  let db: HubDb;
  try {
    db = await openDatabase(target);
  } catch (e) {
    throw new CliError(`cannot open the database: ${(e as Error).message}`);
  }
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function minGroupOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new UsageError(`--min-group ${value}: not a whole number from 1 to 1000`);
  }
  return n;
}

function portOf(value: string | undefined): number {
  const port = value === undefined ? 8788 : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port ${value}: not a port number`);
  }
  return port;
}

async function runHub(
  target: DatabaseTarget,
  port: number,
  host: string | undefined,
  trustProxy: boolean,
  minGroup: number | undefined,
  io: Io,
) {
  let hub: Awaited<ReturnType<typeof startHub>>;
  try {
    hub = await startHub({ ...target, port, host, trustProxy, minGroup, log: io.out });
  } catch (e) {
    throw new CliError(`cannot start the hub: ${(e as Error).message}`);
  }
  const where = 'dataDir' in target ? `data in ${target.dataDir}` : 'data in PostgreSQL';
  io.out(`hub listening at ${hub.url()} (${where}; Ctrl+C to stop)`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      hub.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT_OK;
}

/** The database a URL names, without its password: what may be printed. */
function shown(url: string): string {
  const u = new URL(url);
  return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

async function copyToPostgres(dataDir: string, to: string | undefined, io: Io): Promise<number> {
  if (!to || !/^postgres(ql)?:\/\/./.test(to)) {
    throw new UsageError('copy needs --to postgres://user:password@host/database');
  }
  try {
    new URL(to);
  } catch {
    throw new UsageError('--to: not a URL (postgres://user:password@host/database)');
  }
  if (!existsSync(join(dataDir, 'pgdata'))) {
    throw new CliError(`no hub data in ${dataDir} (no pgdata directory there): give --data`);
  }
  return withDb({ dataDir }, async (source) => {
    let target: HubDb;
    try {
      target = await openDatabase({ databaseUrl: to });
    } catch (e) {
      throw new CliError(`cannot open ${shown(to)}: ${(e as Error).message}`);
    }
    try {
      io.out(`copying ${dataDir} into ${shown(to)}`);
      let shownAt = 0;
      const copied = await copyDatabase(source, target, {
        progress: ({ table, copied, total }) => {
          // A line at the start and end of each table, and every 100,000 rows between.
          if (copied === 0 || copied === total || copied - shownAt >= 100_000) {
            shownAt = copied;
            io.out(`  ${table}: ${copied} of ${total} rows`);
          }
        },
      });
      io.out(`done; row counts match: ${copied.map((t) => `${t.table} ${t.rows}`).join(', ')}`);
      io.out(
        'Start the hub with DATABASE_URL set to that database (and without --data); keep the data directory until it runs.',
      );
      return EXIT_OK;
    } catch (e) {
      if (e instanceof CopyRefused) throw new CliError(`nothing copied: ${e.message}`);
      if (e instanceof CopyMismatch) throw new CliError(e.message);
      throw new CliError(
        `the copy failed, nothing was kept in ${shown(to)}: ${(e as Error).message}`,
      );
    } finally {
      await target.destroy();
    }
  });
}

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

  if (group === 'token' && action === 'create') {
    const name = values.name?.trim();
    if (!name || rest.length) throw new UsageError('token create needs --name <name>');
    const { device, token } = await withDb(target, (db) => createDevice(db, name));
    io.out(`device ${device.id} (${device.name})`);
    io.out(`token: ${token}`);
    io.out(
      'The token is shown only now: set it as hubToken (with hubUrl) in the policy of the browsers that send to this hub.',
    );
    return EXIT_OK;
  }
  if (group === 'token' && action === 'list') {
    if (rest.length) throw new UsageError('token list takes no arguments');
    const devices = await withDb(target, listDevices);
    if (devices.length === 0) io.out('no device tokens');
    for (const d of devices) {
      const state = d.revoked_at ? `revoked ${d.revoked_at.toISOString()}` : 'active';
      io.out(`${d.id}  ${d.name}  created ${d.created_at.toISOString()}  ${state}`);
    }
    return EXIT_OK;
  }
  if (group === 'token' && action === 'revoke') {
    if (rest.length !== 1) throw new UsageError('token revoke needs one device id');
    const id = rest[0]!;
    if (!(await withDb(target, (db) => revokeDevice(db, id)))) {
      io.err(`inflow hub: no active device token ${id}`);
      return EXIT_FAILED;
    }
    io.out(`revoked ${id}`);
    return EXIT_OK;
  }
  const roleOption = (what: string): UserRole => {
    const role = values.role as UserRole | undefined;
    if (!role || !USER_ROLES.includes(role)) {
      throw new UsageError(`${what} needs --role ${USER_ROLES.join('|')}`);
    }
    return role;
  };
  const newPassword = async (): Promise<{ password: string; typed: boolean }> => {
    if (!values['password-stdin']) return { password: generatePassword(), typed: false };
    const typed = await readStdin();
    if (typed.length < 8) throw new CliError('the password must have at least 8 characters');
    return { password: typed, typed: true };
  };
  const oneName = (what: string): string => {
    if (rest.length !== 1) throw new UsageError(`${what} needs one name`);
    return rest[0]!;
  };
  const noSuchUser = (name: string) => {
    io.err(`inflow hub: no user "${escapeControls(name)}"`);
    return EXIT_FAILED;
  };

  if (group === 'user' && action === 'list') {
    if (rest.length) throw new UsageError('user list takes no arguments');
    const users = await withDb(target, listUsers);
    if (users.length === 0) io.out('no users');
    for (const u of users) {
      io.out(`${escapeControls(u.name)}  ${u.role}  created ${u.created_at.toISOString()}`);
    }
    return EXIT_OK;
  }
  if (group === 'user' && action === 'role') {
    const name = oneName('user role');
    const role = roleOption('user role');
    if (!(await withDb(target, (db) => changeUser(db, name, { role })))) return noSuchUser(name);
    io.out(`${escapeControls(name)} is now ${role}`);
    return EXIT_OK;
  }
  if (group === 'user' && action === 'password') {
    const name = oneName('user password');
    const { password, typed } = await newPassword();
    if (!(await withDb(target, (db) => changeUser(db, name, { password })))) {
      return noSuchUser(name);
    }
    io.out(`new password set for ${escapeControls(name)}`);
    if (!typed) io.out(`password: ${password}  (shown only now)`);
    return EXIT_OK;
  }
  if (group === 'user' && action === 'remove') {
    const name = oneName('user remove');
    if (!(await withDb(target, (db) => changeUser(db, name, { remove: true })))) {
      return noSuchUser(name);
    }
    io.out(`removed ${escapeControls(name)}`);
    return EXIT_OK;
  }
  if (group === 'user' && action === 'add') {
    const name = oneName('user add');
    const role = roleOption('user add');
    const { password, typed } = await newPassword();
    try {
      const user = await withDb(target, (db) => addUser(db, name, role, password));
      io.out(`user ${user.id} ${user.name} (${user.role})`);
    } catch (e) {
      if (e instanceof UserExistsError) throw new CliError(e.message);
      throw e;
    }
    if (!typed) io.out(`password: ${password}  (shown only now)`);
    return EXIT_OK;
  }
  if (group === 'pack' && action === 'add') {
    if (!rest.length) throw new UsageError('pack add needs at least one pack file or directory');
    return addPacks(target, rest, io);
  }
  if (group === 'settings') return settingsCommand(target, action, rest, io);
  throw new UsageError(`unknown subcommand "${positionals.join(' ')}"`);
}

function settingKey(key: string | undefined): SettingKey {
  if (!key || !SETTING_KEYS.includes(key as SettingKey)) {
    throw new UsageError(`settings: the setting is one of ${SETTING_KEYS.join(', ')}`);
  }
  return key as SettingKey;
}

/** A setting as printed: a webhook's path and query may hold its secret. */
const shownSetting = (key: string, value: string) => (key === 'webhook' ? shownUrl(value) : value);

async function settingsCommand(
  target: DatabaseTarget,
  action: string | undefined,
  rest: string[],
  io: Io,
): Promise<number> {
  if (action === undefined) {
    const settings = await withDb(target, readSettings);
    for (const key of ['retention_days', ...SETTING_KEYS]) {
      const value = settings.get(key);
      io.out(`${key}  ${value === undefined ? '(not set)' : shownSetting(key, value)}`);
    }
    return EXIT_OK;
  }
  if (action === 'set') {
    if (rest.length !== 2) throw new UsageError('settings set needs a setting and a URL');
    const key = settingKey(rest[0]);
    // Checked before the database is opened: a wrong URL needs no stopped hub to be told.
    try {
      checkSettingUrl(key, rest[1]!);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const kept = await withDb(target, (db) => setSetting(db, key, rest[1]!));
    io.out(`${key} set to ${shownSetting(key, kept)}`);
    return EXIT_OK;
  }
  if (action === 'unset') {
    if (rest.length !== 1) throw new UsageError('settings unset needs one setting');
    const key = settingKey(rest[0]);
    const was = await withDb(target, (db) => unsetSetting(db, key));
    io.out(was ? `${key} unset` : `${key} was not set`);
    return EXIT_OK;
  }
  throw new UsageError(`unknown subcommand "settings ${action}"`);
}

/**
 * `hub pack add`: every file is validated first; one broken pack means none is added, so a
 * good stored pack is never replaced by a broken one and a partial set never goes in.
 */
async function addPacks(target: DatabaseTarget, paths: string[], io: Io): Promise<number> {
  const files = await findPackFiles(paths);
  const loaded = await loadPacks(files);
  const broken = loaded.filter((p) => !p.ok);
  for (const p of broken) io.err(formatProblems(p.problems, p.file));
  if (broken.length) {
    io.err(`inflow hub: no pack added: ${plural(broken.length, 'pack')} with problems`);
    return EXIT_FAILED;
  }
  let failed = 0;
  await withDb(target, async (db) => {
    for (const p of loaded) {
      if (!p.ok) continue;
      const result = await addPack(db, JSON.stringify(p.data), new Date());
      if (result.ok) {
        io.out(
          `${result.added ? 'added' : 'already there'}: ${result.id} ${result.version} (${p.file})`,
        );
      } else {
        failed++;
        io.err(formatProblems(result.problems, p.file));
        io.err(`inflow hub: ${p.file}: ${result.error}`);
      }
    }
  });
  return failed ? EXIT_FAILED : EXIT_OK;
}
