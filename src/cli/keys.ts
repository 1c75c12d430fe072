/** Reading keys given on the command line: base64 text, or a file that holds it. */
import { readFile } from 'node:fs/promises';
import { fromBase64 } from '../aids/signature';
import { CliError, fsMessage } from './io';

/** Decoded length of base64 text, or -1 if it is not base64. */
function base64Length(text: string): number {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return -1;
  try {
    return fromBase64(text).length;
  } catch {
    return -1;
  }
}

/** A public key given as base64 (32 bytes) or as the path of a file holding it. */
export async function publicKeyArg(value: string): Promise<string> {
  const text = value.trim();
  if (base64Length(text) === 32) return text;
  let content: string;
  try {
    content = (await readFile(text, 'utf8')).trim();
  } catch (e) {
    throw new CliError(
      `--key ${value}: not a base64 Ed25519 public key (32 bytes), nor a file (${fsMessage(e)})`,
    );
  }
  if (base64Length(content) !== 32) {
    throw new CliError(`--key ${value}: the file does not hold a base64 Ed25519 public key`);
  }
  return content;
}

/** The base64 text of a key file, checked to decode to `bytes` bytes when given. */
export async function keyFile(path: string, what: string, bytes?: number): Promise<string> {
  let content: string;
  try {
    content = (await readFile(path, 'utf8')).trim();
  } catch (e) {
    throw new CliError(`${path}: cannot read the ${what}: ${fsMessage(e)}`);
  }
  const length = base64Length(content);
  if (length < 0) throw new CliError(`${path}: the ${what} is not base64 text`);
  if (bytes !== undefined && length !== bytes) {
    throw new CliError(`${path}: the ${what} should be ${bytes} bytes, this is ${length}`);
  }
  return content;
}
