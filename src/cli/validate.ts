/** `inflow validate`: checks packs, and optionally their signatures, without changing them. */

import { type Verification, verifyPack } from '../aids/signature';
import { formatProblems, type Problem } from '../aids/validate';
import { EXIT_FAILED, EXIT_OK, type Io, parse, UsageError } from './io';
import { publicKeyArg } from './keys';
import { duplicateIds, loadPacks, packFilesIn, plural } from './packs';

export const validateHelp = `Usage: inflow validate <file|dir>... [--require-signature] [--key <public key>]...

Checks aid packs against the pack format, as the extension does before installing them.
A directory means every *.json file in it (except index.json) and every */pack.json below it.

Prints each problem as "file:json.path: message", then a summary line. Exits with 1 if any
pack has a problem.

Options:
  --key <public key>     A trusted Ed25519 public key: base64, or a file holding it (such as
                         inflow-signing.pub). Repeatable. Signed packs must verify with one.
  --require-signature    Unsigned packs are problems too. Needs at least one --key.
  -h, --help             This help.

Examples:
  inflow validate aids
  inflow validate dist/packs --require-signature --key keys/inflow-signing.pub`;

/** What a failed verification means, as a problem message. */
export function verificationMessage(v: Exclude<Verification, { ok: true }>, keyId: string) {
  switch (v.reason) {
    case 'unsigned':
      return 'the pack is not signed';
    case 'unknown-key':
      return `signed with key ${keyId}, which is not one of the trusted keys`;
    case 'bad-signature':
      return 'the signature does not match the pack (changed after signing, or a wrong key)';
    case 'malformed':
      return 'the signature is malformed';
  }
}

export async function validateCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    key: { type: 'string', multiple: true },
    'require-signature': { type: 'boolean' },
  });
  if (values.help) {
    io.out(validateHelp);
    return EXIT_OK;
  }
  if (!positionals.length) throw new UsageError('name at least one pack file or directory');
  const requireSignature = values['require-signature'] === true;
  if (requireSignature && !values.key?.length) {
    throw new UsageError('--require-signature needs at least one --key');
  }
  const keys = await Promise.all((values.key ?? []).map(publicKeyArg));

  const groups = await Promise.all(positionals.map(packFilesIn));
  const files = [...new Set(groups.flat())];
  const packs = await loadPacks(files);
  const problems = new Map<string, Problem[]>(files.map((f) => [f, []]));
  let verified = 0;
  for (const p of packs) {
    if (!p.ok) problems.get(p.file)!.push(...p.problems);
    else if (keys.length && (requireSignature || p.pack.signature)) {
      const v = await verifyPack(p.data, keys);
      if (v.ok) verified += 1;
      else {
        problems.get(p.file)!.push({
          path: 'signature',
          message: verificationMessage(v, p.pack.signature?.keyId ?? ''),
        });
      }
    }
  }
  // Two packs with one id in the same directory would replace each other once published;
  // across arguments (a source folder and its build) the same id is expected.
  const byFile = new Map(packs.map((p) => [p.file, p]));
  for (const group of groups) {
    const inGroup = [...new Set(group)].map((f) => byFile.get(f)!);
    for (const d of duplicateIds(inGroup)) problems.get(d.file)!.push(d.problem);
  }

  let bad = 0;
  let count = 0;
  for (const p of packs) {
    const list = problems.get(p.file)!;
    if (list.length) {
      bad += 1;
      count += list.length;
      io.err(formatProblems(list, p.file));
    } else if (p.ok) {
      const signed = p.pack.signature ? `, signed by ${p.pack.signature.keyId}` : '';
      io.out(`${p.file}: ok (${p.pack.id} ${p.pack.version}${signed})`);
    }
  }
  const checked = `${plural(packs.length, 'pack')} checked`;
  if (!bad) {
    io.out(
      `${checked}: all valid${keys.length ? `, ${plural(verified, 'signature')} verified` : ''}`,
    );
    return EXIT_OK;
  }
  io.err(
    `${checked}: ${packs.length - bad} valid, ${bad} with problems (${plural(count, 'problem')})`,
  );
  return EXIT_FAILED;
}
