#!/usr/bin/env node
// The `inflow` command (npx inflow --help). The CLI is TypeScript in src/cli/: tsx compiles
// it on the fly, so there is no build step between editing the CLI and running it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.error(e);
  process.exitCode = 1;
}
