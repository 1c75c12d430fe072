/**
 * Chromium for `npm start` and `npm test`: the one at CHROMIUM_PATH (default
 * /usr/bin/chromium), installed from Debian's packages when it is missing and we are root.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath, DEFAULT_CHROMIUM } from './extension.mjs';

function run(cmd, args, env) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (e) => {
      console.error(`Could not run ${cmd}: ${e.message}`);
      done(127);
    });
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Makes sure Chromium is there: present already, or installed with apt-get when this is
 * Debian and we are root. Says what is wrong and resolves to false otherwise.
 * @returns {Promise<boolean>}
 */
export async function ensureChromium() {
  const path = chromiumPath();
  if (existsSync(path)) return true;
  if (process.env.CHROMIUM_PATH) {
    console.error(`CHROMIUM_PATH is set to ${path}, which does not exist.`);
    return false;
  }
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync('/etc/debian_version');
  if (isRoot && isDebian) {
    console.log(`Chromium is missing (${DEFAULT_CHROMIUM}): installing the Debian package.`);
    console.log('$ apt-get update && apt-get install -y chromium');
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    const ok =
      (await run('apt-get', ['update'], env)) === 0 &&
      (await run('apt-get', ['install', '-y', 'chromium'], env)) === 0;
    if (ok && existsSync(path)) return true;
    console.error('Installing Chromium with apt-get failed.');
    return false;
  }
  console.error(
    `Chromium not found at ${path}. Install it (Debian: apt-get install -y chromium, as root) ` +
      'or set CHROMIUM_PATH to a Chromium or Chrome executable.',
  );
  return false;
}
