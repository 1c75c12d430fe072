/** `inflow keygen`: a new Ed25519 key pair for signing packs. */
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair } from '../aids/signature';
import { CliError, EXIT_OK, fsMessage, type Io, parse } from './io';

export const PRIVATE_KEY_FILE = 'inflow-signing.key';
export const PUBLIC_KEY_FILE = 'inflow-signing.pub';

export const keygenHelp = `Usage: inflow keygen [--out <dir>] [--force]

Makes a new Ed25519 key pair for signing packs and writes, in <dir>:
  ${PRIVATE_KEY_FILE}   the private key (base64 PKCS#8), readable by you only (mode 0600).
                       Keep it secret and out of version control: anyone with it can sign.
  ${PUBLIC_KEY_FILE}   the public key (base64, 32 bytes): goes into the extension's policy.
Prints the public key and its key id (the id that signed packs carry).

Options:
  --out <dir>   Where to write (default: keys). Created if missing.
  --force       Overwrite existing key files. Packs signed with the old key then no longer
                verify with the new public key.
  -h, --help    This help.

Example:
  inflow keygen --out keys`;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function keygenCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    out: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
  });
  if (values.help) {
    io.out(keygenHelp);
    return EXIT_OK;
  }
  const dir = values.out ?? 'keys';
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  if (!values.force) {
    const present = [];
    for (const p of [privatePath, publicPath]) if (await exists(p)) present.push(p);
    if (present.length) {
      throw new CliError(
        `${present.join(' and ')} already exist${present.length === 1 ? 's' : ''}: ` +
          'not overwritten (use --force to replace the key pair)',
      );
    }
  }
  const keys = await generateKeyPair();
  try {
    await mkdir(dir, { recursive: true });
    // 'wx' fails if the file appeared since the check above; mode applies to new files only,
    // so chmod covers a file that --force overwrites.
    const flag = values.force ? 'w' : 'wx';
    await writeFile(privatePath, `${keys.privateKey}\n`, { mode: 0o600, flag });
    await chmod(privatePath, 0o600);
    await writeFile(publicPath, `${keys.publicKey}\n`, { mode: 0o644, flag });
  } catch (e) {
    throw new CliError(`cannot write the keys in ${dir}: ${fsMessage(e)}`);
  }
  io.out(`private key: ${privatePath} (keep it secret)`);
  io.out(`public key:  ${publicPath}`);
  io.out(`public key (base64): ${keys.publicKey}`);
  io.out(`key id: ${keys.keyId}`);
  return EXIT_OK;
}
