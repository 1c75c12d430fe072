/** The installed command: bin/inflow.mjs run as a child process, as `npx inflow` runs it. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brokenPack, tempDir, validPack, writeJson } from './helpers';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'inflow.mjs');

function inflow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bin/inflow.mjs', () => {
  it('validates the bundled packs and exits 0', { timeout: 30_000 }, async () => {
    const run = await inflow('validate', 'aids');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^8 packs checked: all valid$/m);
  });

  it('exits 1 and names file and path for a broken pack', { timeout: 30_000 }, async () => {
    const file = await writeJson(join(await tempDir(), 'broken.json'), brokenPack());
    const run = await inflow('validate', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:version: must be a version like "1.4.0"`);
    expect(run.stderr).toContain(`${file}:aids[0].title: `);
  });

  it("prints a pack's control characters escaped: no pack can forge or hide a line", {
    timeout: 30_000,
  }, async () => {
    const pack = validPack('forged') as Record<string, unknown>;
    // An unknown key is quoted in the problem; this one tries to erase the line and say "ok".
    pack['x\u001b[2K\r\nforged.json: 1 pack checked: all valid\u0007'] = true;
    const file = await writeJson(join(await tempDir(), 'forged.json'), pack);
    const run = await inflow('validate', file);
    expect(run.code).toBe(1);
    const output = run.stdout + run.stderr;
    const raw = [...output].filter((ch) => {
      const c = ch.charCodeAt(0);
      return (c < 0x20 && ch !== '\n') || c === 0x7f;
    });
    expect(raw).toEqual([]);
    expect(output).toContain('x\\u001b[2K\\u000d\\u000aforged.json: 1 pack checked');
    expect(output).not.toMatch(/^forged\.json: 1 pack checked/m);
  });

  it('prints help with exit 0, and exits 2 on an unknown command', {
    timeout: 30_000,
  }, async () => {
    const help = await inflow('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: inflow <command>/);
    expect((await inflow('frobnicate')).code).toBe(2);
  });
});
