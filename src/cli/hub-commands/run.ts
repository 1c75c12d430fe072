/** `inflow hub`: runs the hub until Ctrl+C or SIGTERM. */
import type { DatabaseTarget } from '../../hub/db/open';
import { startHub } from '../../hub/server';
import { CliError, EXIT_OK, type Io, UsageError } from '../io';

export function minGroupOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new UsageError(`--min-group ${value}: not a whole number from 1 to 1000`);
  }
  return n;
}

export function portOf(value: string | undefined): number {
  const port = value === undefined ? 8788 : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port ${value}: not a port number`);
  }
  return port;
}

export async function runHub(
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
