/**
 * The `inflow` command line: the admin's tool to check, build, sign and serve aid packs.
 * bin/inflow.mjs loads this file through tsx and calls `main`.
 */
import { readFileSync } from 'node:fs';
import { buildCommand, buildHelp } from './build';
import { hubCommand, hubHelp } from './hub';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Io, processIo, UsageError } from './io';
import { keygenCommand, keygenHelp } from './keygen';
import { serveCommand, serveHelp } from './serve';
import { signCommand, signHelp } from './sign';
import { validateCommand, validateHelp } from './validate';

type Command = { run: (args: string[], io: Io) => Promise<number>; help: string; what: string };

export const COMMANDS: Record<string, Command> = {
  validate: { run: validateCommand, help: validateHelp, what: 'check packs (and signatures)' },
  build: {
    run: buildCommand,
    help: buildHelp,
    what: 'validate aids/*/pack.json and write them out',
  },
  keygen: { run: keygenCommand, help: keygenHelp, what: 'make an Ed25519 signing key pair' },
  sign: { run: signCommand, help: signHelp, what: 'validate and sign packs' },
  serve: { run: serveCommand, help: serveHelp, what: 'serve packs over HTTP on this machine' },
  hub: { run: hubCommand, help: hubHelp, what: "run the organisation's hub; device tokens, users" },
};

export const mainHelp = `Usage: inflow <command> [options]

Tools for Inflow aid packs.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.what}`)
  .join('\n')}

Run "inflow <command> --help" for a command's options.
Exit codes: 0 success, 1 failure (such as an invalid pack), 2 a mistake in the command line.

Options:
  -h, --help     This help.
  -v, --version  The version.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/** Runs one command line (without "node inflow"); resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && args[0] ? COMMANDS[args[0]] : undefined;
    io.out(topic ? topic.help : mainHelp);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.out(version());
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`inflow: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}.`);
    io.err('Run "inflow --help" for help.');
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`inflow ${name}: ${e.message}`);
      io.err(`Run "inflow ${name} --help" for usage.`);
      return EXIT_USAGE;
    }
    if (e instanceof CliError) {
      io.err(`inflow ${name}: ${e.message}`);
      return EXIT_FAILED;
    }
    throw e;
  }
}
