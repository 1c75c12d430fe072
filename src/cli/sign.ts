/** `inflow sign`: validates packs and signs them with the organisation's private key. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyIdOf, signPack, verifyPack } from '../aids/signature';
import { formatProblems } from '../aids/validate';
import {
  CliError,
  EXIT_FAILED,
  EXIT_OK,
  formatJson,
  fsMessage,
  type Io,
  parse,
  UsageError,
} from './io';
import { keyFile } from './keys';
import { duplicateIds, findPackFiles, loadPacks, plural } from './packs';

export const signHelp = `Usage: inflow sign <pack.json|dir>... --key <private key file> --pub <public key file>
                  [--out <dir> | --in-place]

Validates each pack, then signs it: Ed25519 over the pack's canonical JSON (RFC 8785),
stored in the pack as "signature". A pack that is already signed is signed again. If any pack
has a problem, prints the problems and writes nothing. A directory means every *.json in it
(except index.json) and every */pack.json below it.

Options:
  --key <file>   The private key (inflow-signing.key from inflow keygen).
  --pub <file>   Its public key (inflow-signing.pub); checked to match the private key.
  --out <dir>    Write each signed pack to <dir>/<pack id>.json.
  --in-place     Replace each file with its signed version.
                 With neither, one pack is printed to standard output.
  -h, --help     This help.

Examples:
  inflow sign dist/packs --in-place --key keys/inflow-signing.key --pub keys/inflow-signing.pub
  inflow sign aids/crm/pack.json --out signed --key keys/inflow-signing.key --pub keys/inflow-signing.pub`;

export async function signCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    key: { type: 'string' },
    pub: { type: 'string' },
    out: { type: 'string', short: 'o' },
    'in-place': { type: 'boolean' },
  });
  if (values.help) {
    io.out(signHelp);
    return EXIT_OK;
  }
  if (!positionals.length) throw new UsageError('name at least one pack file or directory');
  if (!values.key) throw new UsageError('--key <private key file> is required');
  if (!values.pub) throw new UsageError('--pub <public key file> is required');
  const inPlace = values['in-place'] === true;
  if (inPlace && values.out) throw new UsageError('use --out or --in-place, not both');

  const privateKey = await keyFile(values.key, 'private key');
  const publicKey = await keyFile(values.pub, 'public key', 32);
  const files = await findPackFiles(positionals);
  if (!inPlace && !values.out && files.length > 1) {
    throw new UsageError(`${files.length} packs to sign: use --out <dir> or --in-place`);
  }

  const packs = await loadPacks(files);
  let bad = 0;
  for (const p of packs) {
    if (!p.ok) {
      bad += 1;
      io.err(formatProblems(p.problems, p.file));
    }
  }
  const dupes = values.out ? duplicateIds(packs) : [];
  for (const d of dupes) io.err(formatProblems([d.problem], d.file));
  if (bad || dupes.length) {
    io.err(`not signed: ${plural(bad + dupes.length, 'pack')} with problems, nothing written`);
    return EXIT_FAILED;
  }

  const signed: { file: string; id: string; text: string }[] = [];
  for (const p of packs) {
    if (!p.ok) continue;
    let result: Record<string, unknown>;
    try {
      result = await signPack(p.data, privateKey, publicKey);
    } catch (e) {
      throw new CliError(
        `${values.key}: cannot sign with this private key: ${(e as Error).message}`,
      );
    }
    // A private key and a public key from different pairs would sign packs nobody can verify.
    if (!(await verifyPack(result, [publicKey])).ok) {
      throw new CliError(`${values.key} and ${values.pub} are not one key pair: nothing written`);
    }
    signed.push({ file: p.file, id: p.pack.id, text: formatJson(result) });
  }

  if (!inPlace && !values.out) {
    io.out(signed[0]!.text.trimEnd());
    return EXIT_OK;
  }
  if (values.out) await mkdir(values.out, { recursive: true });
  for (const s of signed) {
    const target = values.out ? join(values.out, `${s.id}.json`) : s.file;
    try {
      await writeFile(target, s.text);
    } catch (e) {
      throw new CliError(`${target}: cannot write: ${fsMessage(e)}`);
    }
    io.out(inPlace ? `${s.file}: signed` : `${s.file}: signed -> ${target}`);
  }
  io.out(`signed ${plural(signed.length, 'pack')} with key ${await keyIdOf(publicKey)}`);
  return EXIT_OK;
}
