/** `inflow hub token create|list|revoke`: the device tokens browsers send with. */
import type { DatabaseTarget } from '../../hub/db/open';
import { createDevice, listDevices, revokeDevice } from '../../hub/devices';
import { EXIT_FAILED, EXIT_OK, type Io, UsageError } from '../io';
import { withDb } from './database';

export async function tokenCommand(
  target: DatabaseTarget,
  action: string | undefined,
  rest: string[],
  values: { name?: string },
  io: Io,
): Promise<number> {
  if (action === 'create') {
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
  if (action === 'list') {
    if (rest.length) throw new UsageError('token list takes no arguments');
    const devices = await withDb(target, listDevices);
    if (devices.length === 0) io.out('no device tokens');
    for (const d of devices) {
      const state = d.revoked_at ? `revoked ${d.revoked_at.toISOString()}` : 'active';
      io.out(`${d.id}  ${d.name}  created ${d.created_at.toISOString()}  ${state}`);
    }
    return EXIT_OK;
  }
  if (action === 'revoke') {
    if (rest.length !== 1) throw new UsageError('token revoke needs one device id');
    const id = rest[0]!;
    if (!(await withDb(target, (db) => revokeDevice(db, id)))) {
      io.err(`inflow hub: no active device token ${id}`);
      return EXIT_FAILED;
    }
    io.out(`revoked ${id}`);
    return EXIT_OK;
  }
  throw new UsageError(
    `unknown subcommand "${['token', action, ...rest].filter((w) => w !== undefined).join(' ')}"`,
  );
}
