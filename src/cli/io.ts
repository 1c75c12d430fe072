/**
 * What every command shares: where output goes, usage errors, argument parsing and how
 * JSON files are written.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { escapeControls } from '../aids/validate';

/** Where a command writes. The default is the process's stdout and stderr. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/**
 * A terminal is not a page: whatever a command prints, no control character but the line
 * breaks it writes itself reaches the terminal raw (see escapeControls).
 */
const forTerminal = (text: string) => text.split('\n').map(escapeControls).join('\n');

export const processIo: Io = {
  out: (text) => process.stdout.write(`${forTerminal(text)}\n`),
  err: (text) => process.stderr.write(`${forTerminal(text)}\n`),
};

/** Exit codes: 0 success, 1 the work failed (invalid pack, file exists…), 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A mistake in the command line: printed with a pointer to the command's --help. */
export class UsageError extends Error {}

/** A failure to report as one line, without a stack trace. */
export class CliError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with its errors turned into usage errors. */
export function parse<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The text Inflow writes for a JSON file: two-space indents, key order kept, final newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The message of an error from node:fs, without the stack and the repeated path. */
export function fsMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EEXIST':
      return 'already exists';
    default:
      return err.message ?? String(e);
  }
}
