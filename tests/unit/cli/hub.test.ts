/** `inflow hub` token and user commands, in-process, on one PGlite data directory. */
import { describe, expect, it } from 'vitest';
import { formatRequest } from '../../../src/hub/log';
import { cli, tempDir } from './helpers';

describe('inflow hub', () => {
  it('prints its help', async () => {
    const run = await cli('hub', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/inflow hub token create --name/);
  });

  it('refuses an unknown subcommand and a token without a name, before opening anything', async () => {
    expect((await cli('hub', 'token', 'mint')).code).toBe(2);
    const run = await cli('hub', 'token', 'create');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--name/);
    expect((await cli('hub', 'user', 'add', 'ann', '--role', 'owner')).code).toBe(2);
  });

  it('creates, lists and revokes device tokens, and adds users', async () => {
    const data = await tempDir();
    const created = await cli('hub', 'token', 'create', '--name', 'Front desk', '--data', data);
    expect(created.code).toBe(0);
    const id = /device (dev_[0-9a-f]+)/.exec(created.stdout)![1]!;
    const token = /token: ([A-Za-z0-9_-]{43})$/m.exec(created.stdout)![1]!;
    expect(token).toBeTruthy();

    const listed = await cli('hub', 'token', 'list', '--data', data);
    expect(listed.stdout).toMatch(new RegExp(`^${id}  Front desk  created \\S+  active$`));
    expect(listed.stdout).not.toContain(token);

    expect((await cli('hub', 'token', 'revoke', id, '--data', data)).stdout).toBe(`revoked ${id}`);
    expect((await cli('hub', 'token', 'list', '--data', data)).stdout).toMatch(/revoked \S+$/);
    const again = await cli('hub', 'token', 'revoke', id, '--data', data);
    expect(again.code).toBe(1);

    const user = await cli('hub', 'user', 'add', 'ann', '--role', 'admin', '--data', data);
    expect(user.code).toBe(0);
    expect(user.stdout).toMatch(/^user usr_[0-9a-f]+ ann \(admin\)\npassword: \S{24} /);
    const twice = await cli('hub', 'user', 'add', 'ann', '--role', 'viewer', '--data', data);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already exists/);
  }, 60_000);
});

describe('inflow hub user', () => {
  it('lists, changes the role and password of, and removes people; each change signs them out', async () => {
    const data = await tempDir();
    expect((await cli('hub', 'user', 'add', 'ann', '--role', 'viewer', '--data', data)).code).toBe(
      0,
    );
    expect((await cli('hub', 'user', 'add', 'bo', '--role', 'author', '--data', data)).code).toBe(
      0,
    );
    const listed = await cli('hub', 'user', 'list', '--data', data);
    expect(listed.stdout.split('\n').map((l) => l.split('  ').slice(0, 2))).toEqual([
      ['ann', 'viewer'],
      ['bo', 'author'],
    ]);
    expect(listed.stdout).not.toMatch(/scrypt/);

    const role = await cli('hub', 'user', 'role', 'ann', '--role', 'admin', '--data', data);
    expect(role.stdout).toBe('ann is now admin');
    expect((await cli('hub', 'user', 'role', 'ann', '--role', 'owner', '--data', data)).code).toBe(
      2,
    );

    const password = await cli('hub', 'user', 'password', 'bo', '--data', data);
    expect(password.code).toBe(0);
    expect(password.stdout).toMatch(/^new password set for bo\npassword: \S{24} /);

    expect((await cli('hub', 'user', 'remove', 'bo', '--data', data)).stdout).toBe('removed bo');
    const after = await cli('hub', 'user', 'list', '--data', data);
    expect(after.stdout).toMatch(/^ann {2}admin {2}created \S+$/);
    const missing = await cli('hub', 'user', 'remove', 'bo', '--data', data);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no user "bo"/);
  });
});

describe('the hub request log', () => {
  it('escapes control characters so a request cannot forge a line', () => {
    const line = formatRequest({ method: 'GET', path: '/x\n200 GET /admin', status: 404, ms: 1 });
    expect(line).toBe('404 GET /x\\u000a200 GET /admin 1ms');
  });
});
