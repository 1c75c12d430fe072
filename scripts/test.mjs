#!/usr/bin/env node
/**
 * `npm test`: builds the extension, runs the unit tests (Vitest) and the end-to-end tests
 * (Playwright, system Chromium), and adds up both from their JSON reports. The last line is
 * always `N passed, N failed` (`, N skipped` when some were); the exit code is 1 if a test
 * failed or a step could not run. A step that could not run at all (build, missing browser,
 * a runner that crashed without a report) counts as one failure, so it cannot pass unseen.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { buildApps } from './build-apps.mjs';
import { ensureChromium } from './lib/chromium.mjs';
import { ROOT } from './lib/extension.mjs';

const UNIT_REPORT = resolve(ROOT, 'test-results/unit-report.json');
// Must match the json reporter's outputFile in playwright.config.ts.
const E2E_REPORT = resolve(ROOT, 'test-results/e2e-report.json');
const bin = (name) => resolve(ROOT, 'node_modules/.bin', name);

/** Runs a command with inherited output; resolves to its exit code (127 if it did not start). */
function run(cmd, args, env = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('error', (e) => {
      console.error(`Could not run ${cmd}: ${e.message}`);
      done(127);
    });
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

function heading(text) {
  console.log(`\n=== ${text} ===`);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The first lines of a failure, without colours, on one line: the summary is what is left
 * of a long CI log, so it says why as well as what.
 */
function why(message) {
  const lines = String(message ?? '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 3)
    .join(' | ');
  return lines.length > 300 ? `${lines.slice(0, 299)}…` : lines;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Totals from Vitest's JSON report; null if there is none. */
function unitTotals(report) {
  if (!report) return null;
  const failedNames = [];
  let loadFailures = 0;
  for (const file of report.testResults ?? []) {
    const name = relative(ROOT, file.name);
    for (const a of file.assertionResults ?? []) {
      if (a.status !== 'failed') continue;
      failedNames.push(`${name} > ${a.fullName}`);
      const reason = why(a.failureMessages?.[0]);
      if (reason) failedNames.push(`    why: ${reason}`);
    }
    // A file that failed to load has no tests in the report: count it once.
    if (file.status === 'failed' && !(file.assertionResults ?? []).length) {
      loadFailures += 1;
      failedNames.push(`${name} (did not run: ${(file.message || 'error').split('\n')[0]})`);
    }
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + loadFailures,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    files: (report.testResults ?? []).length,
    failedNames,
  };
}

/** Totals from Playwright's JSON report; null if there is none. */
function e2eTotals(report) {
  if (!report?.stats) return null;
  const failedNames = [];
  const walk = (suite, file) => {
    for (const spec of suite.specs ?? []) {
      // A test that failed and then passed on its retry (CI only) is listed too, with why.
      const flaky = spec.ok && (spec.tests ?? []).some((t) => t.status === 'flaky');
      if (spec.ok && !flaky) continue;
      failedNames.push(`${flaky ? 'flaky: ' : ''}${spec.file ?? file} > ${spec.title}`);
      // Each try of each project: the reasons may differ between a first try and a retry.
      for (const t of spec.tests ?? []) {
        for (const r of t.results ?? []) {
          const error = r.errors?.[0] ?? r.error;
          if (!error) continue;
          const at = error.location ? ` (line ${error.location.line})` : '';
          const line = `    why${at}: ${why(error.message ?? error.value)}`;
          // A retry that failed the same way says nothing new.
          if (failedNames.at(-1) !== line) failedNames.push(line);
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, child.file ?? file);
  };
  for (const suite of report.suites ?? []) walk(suite, suite.file);
  // Errors outside any test: a spec file that does not load, a failing worker fixture.
  const errors = (report.errors ?? []).map((e) => (e.message ?? String(e)).split('\n')[0]);
  for (const e of errors) failedNames.push(`(outside a test) ${e}`);
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0, duration = 0 } = report.stats;
  return {
    passed: expected + flaky,
    failed: unexpected + errors.length,
    skipped,
    flaky,
    duration,
    failedNames,
  };
}

const POSTGRES_SCRIPT = resolve(ROOT, 'scripts/ci-postgres.sh');

/**
 * Starts the throwaway PostgreSQL and names it in INFLOW_TEST_DATABASE_URL, unless that is
 * set already. Without a server the PostgreSQL half of the hub tests is skipped, visibly.
 */
function startPostgres() {
  if (process.env.INFLOW_TEST_DATABASE_URL) {
    console.log('using INFLOW_TEST_DATABASE_URL as it is set');
    return { started: false };
  }
  try {
    const url = execFileSync('bash', [POSTGRES_SCRIPT, 'start'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    process.env.INFLOW_TEST_DATABASE_URL = url;
    console.log(`started: ${url}`);
    return { started: true };
  } catch (e) {
    console.error(
      `could not start PostgreSQL (${e.message.split('\n')[0]}): its tests are skipped`,
    );
    return { started: false };
  }
}

function stopPostgres() {
  try {
    execFileSync('bash', [POSTGRES_SCRIPT, 'stop'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    // A server that will not stop is gone with the machine; the tests are done with it.
  }
}

function line({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

async function main() {
  mkdirSync(resolve(ROOT, 'test-results'), { recursive: true });
  const results = [];

  heading('build (wxt build)');
  const buildCode = await run(bin('wxt'), ['build']);
  if (buildCode !== 0) console.error(`wxt build failed (exit ${buildCode}).`);

  // The sample apps that are bundled from sources (React, Radix): the unit tests serve them
  // and the end-to-end tests open them.
  heading('sample apps (scripts/build-apps.mjs)');
  let appsError = null;
  try {
    for (const r of await buildApps()) console.log(`${r.app}: ${r.built ? 'built' : 'up to date'}`);
  } catch (e) {
    appsError = e.message;
    console.error(appsError);
  }

  // Static checks: each counts as one test in the summary, so a type error, a lint error or
  // a JSON Schema out of step with the zod schema turns CI red like a failing test.
  const checks = [
    ['typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit']],
    ['lint (biome check)', bin('biome'), ['check', '.']],
    ['pack JSON Schema is up to date', bin('tsx'), ['scripts/gen-schema.ts', '--check']],
    [
      'bundled packs are valid (inflow validate)',
      process.execPath,
      ['bin/inflow.mjs', 'validate', 'aids'],
    ],
  ];
  const checkResults = [];
  for (const [name, cmd, args] of checks) {
    heading(name);
    checkResults.push({ name, code: await run(cmd, args) });
  }

  // The hub's storage tests run on PGlite and on a real PostgreSQL: start a throwaway server
  // (Debian's, installed when missing) unless one is named already.
  heading('PostgreSQL for the hub tests (scripts/ci-postgres.sh)');
  const postgres = startPostgres();

  heading('unit tests (vitest)');
  rmSync(UNIT_REPORT, { force: true });
  const unitCode = await run(bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${UNIT_REPORT}`,
    '--passWithNoTests',
    '--exclude=tests/e2e/**',
  ]);
  if (postgres.started) stopPostgres();
  const unit = unitTotals(readJson(UNIT_REPORT));
  results.push({
    name: 'unit',
    code: unitCode,
    totals: unit,
    crash: unit ? null : 'crashed: no report',
  });

  heading('end-to-end tests (playwright)');
  rmSync(E2E_REPORT, { force: true });
  let e2eCrash = null;
  let e2eCode = 0;
  if (buildCode !== 0) e2eCrash = 'not run: the build failed';
  else if (!(await ensureChromium())) e2eCrash = 'not run: no Chromium';
  else {
    e2eCode = await run(bin('playwright'), ['test']);
    if (!existsSync(E2E_REPORT)) e2eCrash = 'crashed: no report';
  }
  const e2e = e2eCrash ? null : e2eTotals(readJson(E2E_REPORT));
  if (!e2eCrash && !e2e) e2eCrash = 'crashed: unreadable report';
  results.push({ name: 'e2e', code: e2eCode, totals: e2e, crash: e2eCrash });

  // The benches as a smoke: they must run to the end and print their tables; their figures
  // are not judged here (a busy CI machine says little about speed). Each counts as one check.
  const smokes = [
    {
      name: 'bench smoke (npm run bench -- --quick, on the build above)',
      args: [
        'scripts/bench.mjs',
        '--quick',
        '--no-build',
        '--ext',
        '.output/chrome-mv3',
        '--n',
        '3',
      ],
      needsBuild: true,
    },
    {
      name: 'hub bench smoke (fleet views at 100,000 events on PGlite)',
      args: [
        '--import',
        'tsx',
        'bench/hub.ts',
        '--quick',
        '--only',
        'views',
        '--backend',
        'pglite',
        '--max',
        '100000',
      ],
      needsBuild: false,
    },
  ];
  for (const smoke of smokes) {
    heading(smoke.name);
    if (smoke.needsBuild && buildCode !== 0) {
      console.error('not run: the build failed');
      checkResults.push({ name: smoke.name, code: 1 });
      continue;
    }
    checkResults.push({ name: smoke.name, code: await run(process.execPath, smoke.args) });
  }

  heading('summary');
  const total = { passed: 0, failed: 0, skipped: 0 };
  if (buildCode !== 0) {
    console.log(`build: failed (exit ${buildCode})`);
    total.failed += 1;
  }
  if (appsError) {
    console.log(`build: sample apps failed: ${appsError.split('\n')[0]}`);
    total.failed += 1;
  }
  // In CI the PostgreSQL half of the hub tests must run: no server is a failure there.
  if (postgres.error && process.env.CI) {
    console.log(`check: PostgreSQL for the hub tests: failed (${postgres.error})`);
    total.failed += 1;
  }
  for (const c of checkResults) {
    console.log(`check: ${c.name}: ${c.code === 0 ? 'passed' : `failed (exit ${c.code})`}`);
    if (c.code === 0) total.passed += 1;
    else total.failed += 1;
  }
  for (const r of results) {
    if (!r.totals) {
      console.log(`${r.name}: ${r.crash}${r.code ? ` (exit ${r.code})` : ''}`);
      // The build failure is already counted; a runner that could not run counts once.
      if (!(r.name === 'e2e' && buildCode !== 0)) total.failed += 1;
      continue;
    }
    const t = r.totals;
    const extra = r.name === 'unit' ? `${t.files} files` : seconds(t.duration);
    console.log(`${r.name}: ${line(t)} (${extra})${t.flaky ? `, ${t.flaky} flaky` : ''}`);
    for (const name of t.failedNames) {
      if (name.startsWith('    why')) console.log(name);
      else if (name.startsWith('flaky: ')) console.log(`  ${name}`);
      else console.log(`  failed: ${name}`);
    }
    // A runner that exits non-zero with nothing failed in its report has crashed.
    if (r.code !== 0 && t.failed === 0) {
      console.log(`  ${r.name} exited with ${r.code} but its report shows no failure`);
      t.failed = 1;
    }
    total.passed += t.passed;
    total.failed += t.failed;
    total.skipped += t.skipped;
  }
  console.log(line(total));
  return total.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
