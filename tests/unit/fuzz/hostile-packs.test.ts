/**
 * Hostile packs through the validation the CLI, the import and the background all use, and
 * through the installed command. FUZZ_PACKS sets how many (default: a few hundred, in CI
 * time); FUZZ_SEED another seed. Thousands: FUZZ_PACKS=5000 npx vitest run tests/unit/fuzz
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProblems, parsePackText } from '../../../src/aids/validate';
import { HOSTILE_CLASSES, hostilePacks, rawControls } from '../../fuzz/hostile-packs';
import { tempDir } from '../cli/helpers';

const COUNT = Number(process.env.FUZZ_PACKS ?? 650);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** A problem without a path is about the whole document: only its size or its syntax. */
const DOCUMENT_PROBLEM = /^(not valid JSON|the pack is .* larger than)/;

describe(`${COUNT} hostile packs (seed ${SEED})`, () => {
  const packs = hostilePacks(SEED, COUNT);

  it('covers every class', () => {
    expect(new Set(packs.map((p) => p.kind))).toEqual(new Set(HOSTILE_CLASSES));
  });

  it('are refused with a JSON path or accepted as the class says, each within 1 s', {
    timeout: 120_000,
  }, () => {
    const wrong: string[] = [];
    let slowest = { name: '', ms: 0 };
    for (const pack of packs) {
      let started = performance.now();
      const result = parsePackText(pack.json);
      let ms = performance.now() - started;
      if (ms > 1000) {
        // A collection or a busy machine, or really slow? The second try tells.
        started = performance.now();
        parsePackText(pack.json);
        ms = Math.min(ms, performance.now() - started);
      }
      if (ms > slowest.ms) slowest = { name: pack.name, ms };
      if (ms > 1000) wrong.push(`${pack.name}: took ${Math.round(ms)} ms`);
      if (pack.verdict === 'accepted' && !result.ok) {
        wrong.push(`${pack.name}: refused: ${formatProblems(result.problems).slice(0, 300)}`);
      }
      if (result.ok) {
        if (pack.verdict === 'refused') wrong.push(`${pack.name}: accepted, wanted ${pack.path}`);
        continue;
      }
      if (
        pack.verdict === 'refused' &&
        !result.problems.some((p) => p.path.startsWith(pack.path!))
      ) {
        wrong.push(
          `${pack.name}: no problem at ${pack.path}: ${formatProblems(result.problems).slice(0, 300)}`,
        );
      }
      for (const p of result.problems) {
        if (!p.path && !DOCUMENT_PROBLEM.test(p.message)) {
          wrong.push(`${pack.name}: a problem without a path: ${p.message.slice(0, 200)}`);
        }
      }
      const printed = formatProblems(result.problems, `${pack.name}.json`);
      if (rawControls(printed).length) wrong.push(`${pack.name}: raw control characters printed`);
    }
    console.log(`slowest validation: ${slowest.name}, ${slowest.ms.toFixed(0)} ms`);
    expect(wrong).toEqual([]);
  });

  it('`inflow validate` prints no raw control character and counts every pack', {
    timeout: 60_000,
  }, async () => {
    const dir = join(await tempDir(), 'packs');
    await mkdir(dir);
    // Not the large ones: the point here is what reaches the terminal.
    const some = packs.filter((p) => p.kind !== 'large' && p.kind !== 'oversize').slice(0, 80);
    for (const p of some) await writeFile(join(dir, `${p.name}.json`), p.json);
    const verdicts = some.map((p) => parsePackText(p.json));
    const refused = verdicts.filter((v) => !v.ok).length;
    const problems = verdicts.reduce((n, v) => n + (v.ok ? 0 : v.problems.length), 0);
    const run = await new Promise<{ stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [join(ROOT, 'bin', 'inflow.mjs'), 'validate', dir],
        { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
        (_error, stdout, stderr) => done({ stdout, stderr }),
      );
    });
    const output = run.stdout + run.stderr;
    expect(rawControls(output)).toEqual([]);
    // One summary line, the real one: no pack forged another at the start of a line.
    const summaries = output.split('\n').filter((line) => /^\d+ packs? checked/.test(line));
    expect(summaries).toEqual([
      `${some.length} packs checked: ${some.length - refused} valid, ${refused} with problems (${problems} problems)`,
    ]);
    expect(refused).toBeGreaterThan(some.length / 3);
  });
});
