/** `inflow hub user add|list|role|password|remove`: the people who sign in to the hub's pages. */
import { escapeControls } from '../../aids/validate';
import type { DatabaseTarget } from '../../hub/db/open';
import type { UserRole } from '../../hub/db/schema';
import {
  addUser,
  changeUser,
  generatePassword,
  listUsers,
  USER_ROLES,
  UserExistsError,
} from '../../hub/users';
import { CliError, EXIT_FAILED, EXIT_OK, type Io, UsageError } from '../io';
import { withDb } from './database';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function userCommand(
  target: DatabaseTarget,
  action: string | undefined,
  rest: string[],
  values: { role?: string; 'password-stdin'?: boolean },
  io: Io,
): Promise<number> {
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

  if (action === 'list') {
    if (rest.length) throw new UsageError('user list takes no arguments');
    const users = await withDb(target, listUsers);
    if (users.length === 0) io.out('no users');
    for (const u of users) {
      io.out(`${escapeControls(u.name)}  ${u.role}  created ${u.created_at.toISOString()}`);
    }
    return EXIT_OK;
  }
  if (action === 'role') {
    const name = oneName('user role');
    const role = roleOption('user role');
    if (!(await withDb(target, (db) => changeUser(db, name, { role })))) return noSuchUser(name);
    io.out(`${escapeControls(name)} is now ${role}`);
    return EXIT_OK;
  }
  if (action === 'password') {
    const name = oneName('user password');
    const { password, typed } = await newPassword();
    if (!(await withDb(target, (db) => changeUser(db, name, { password })))) {
      return noSuchUser(name);
    }
    io.out(`new password set for ${escapeControls(name)}`);
    if (!typed) io.out(`password: ${password}  (shown only now)`);
    return EXIT_OK;
  }
  if (action === 'remove') {
    const name = oneName('user remove');
    if (!(await withDb(target, (db) => changeUser(db, name, { remove: true })))) {
      return noSuchUser(name);
    }
    io.out(`removed ${escapeControls(name)}`);
    return EXIT_OK;
  }
  if (action === 'add') {
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
  throw new UsageError(
    `unknown subcommand "${['user', action, ...rest].filter((w) => w !== undefined).join(' ')}"`,
  );
}
