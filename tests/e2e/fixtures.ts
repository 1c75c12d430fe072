/**
 * Fixtures for the end-to-end tests: the sample apps, a fresh Chromium profile with the built
 * extension for each test, and helpers that read what the background stored and find the
 * overlay the way a person sees it (roles and names; locators pierce its open shadow root).
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type BrowserContext,
  test as base,
  expect,
  type Locator,
  type Page,
  type Worker,
} from '@playwright/test';
import {
  EXTENSION_DIR,
  extensionIdOf,
  extensionWorker,
  launchWithExtension,
  OVERLAY_SCRIPT_ID,
  type RegisteredScript,
  ROOT,
  readStore as readRows,
  registeredScripts,
  type Table,
} from '../../scripts/lib/extension.mjs';
import type { Progress, StoredEvent } from '../../src/protocol/messages';
import type { AppName } from '../apps/server.mjs';

/** The sample apps, as the server (tests/apps/server.mjs) names them. */
export type { AppName, Progress, StoredEvent, Table };
export { expect, registeredScripts };

export interface AppServer {
  port: number;
  /** e.g. origin('crm') === 'http://crm.localhost:PORT' */
  origin(app: AppName): string;
  close(): Promise<void>;
}

type StartAppServer = (options: { port: number; host?: string }) => Promise<AppServer>;

/** Row types of the background's tables, as far as the tests rely on them. */
export interface Rows {
  events: StoredEvent;
  progress: Progress;
  aids: Record<string, unknown>;
  packs: Record<string, unknown>;
  settings: Record<string, unknown>;
  aidVersions: Record<string, unknown>;
  drafts: Record<string, unknown>;
  previews: Record<string, unknown>;
}

interface Fixtures {
  extensionId: string;
  serviceWorker: Worker;
}

interface WorkerFixtures {
  appServer: AppServer;
  extensionPath: string;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  appServer: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture needs from this pattern.
    async ({}, use) => {
      // Plain JS module owned by the sample apps; imported by URL so TS does not need its types.
      const url = pathToFileURL(resolve(ROOT, 'tests/apps/server.mjs')).href;
      const { startAppServer } = (await import(url)) as { startAppServer: StartAppServer };
      const server = await startAppServer({ port: 0 });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],

  // A copy of the built extension, taken once: a rebuild while tests run cannot pull the
  // files from under the browser.
  extensionPath: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture needs from this pattern.
    async ({}, use) => {
      const manifest = join(EXTENSION_DIR, 'manifest.json');
      // A build that is running right now empties the directory for a few seconds.
      await expect
        .poll(() => existsSync(manifest), {
          timeout: 60_000,
          message: `No built extension in ${EXTENSION_DIR}: run \`npx wxt build\` first.`,
        })
        .toBe(true);
      const dir = await mkdtemp(join(tmpdir(), 'inflow-ext-'));
      const ext = join(dir, 'chrome-mv3');
      await cp(EXTENSION_DIR, ext, { recursive: true });
      await use(ext);
      await rm(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],

  // A fresh profile per test: no progress or events leak from one test into the next.
  context: async ({ headless, extensionPath }, use, testInfo) => {
    const dir = await mkdtemp(join(tmpdir(), 'inflow-e2e-'));
    const context = await launchWithExtension(dir, { headless, ext: extensionPath });
    const log: string[] = [];
    const stamp = () => new Date().toISOString().slice(11, 23);
    // Console output of pages and the background, attached to a failing test.
    const watchPage = (page: Page) => {
      page.on('console', (m) => log.push(`${stamp()} page ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`${stamp()} page error: ${e.message}`));
    };
    const watchWorker = (w: Worker) =>
      w.on('console', (m) => log.push(`${stamp()} worker ${m.type()}: ${m.text()}`));
    context.on('page', watchPage);
    context.on('serviceworker', watchWorker);
    context.pages().forEach(watchPage);
    context.serviceWorkers().forEach(watchWorker);
    try {
      await use(context);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus && log.length) {
        await testInfo.attach('console', { body: log.join('\n'), contentType: 'text/plain' });
      }
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  },

  serviceWorker: async ({ context }, use) => {
    await use(await extensionWorker(context));
  },

  extensionId: async ({ serviceWorker }, use) => {
    await use(extensionIdOf(serviceWorker));
  },

  // The profile's first tab, handed over once the background is ready.
  page: async ({ context, serviceWorker }, use) => {
    await waitForReady(serviceWorker);
    const page = context.pages()[0] ?? (await context.newPage());
    await use(page);
  },
});

/** All rows of one table of the background's `inflow` database (raw IndexedDB). */
export function readStore<T extends Table>(sw: Worker, table: T): Promise<Rows[T][]> {
  return readRows<Rows[T]>(sw, table);
}

/**
 * How waitForStore picks rows: a function of the row; an object that the row must contain
 * (nested objects compared the same way); or a string, which matches a row whose `type`
 * (events), `aidKey` (progress) or `id` equals it.
 */
export type RowMatch<R> = string | ((row: R) => boolean) | DeepPartial<R>;
type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) =>
    contains((actual as Record<string, unknown>)[k], v),
  );
}

function rowTest<R>(match: RowMatch<R>): (row: R) => boolean {
  if (typeof match === 'function') return match as (row: R) => boolean;
  if (typeof match === 'string') {
    return (row) => {
      const r = row as Record<string, unknown>;
      return r.type === match || r.aidKey === match || r.id === match;
    };
  }
  return (row) => contains(row, match);
}

/** Polls a table until a row matches; resolves to that row. */
export async function waitForStore<T extends Table>(
  sw: Worker,
  table: T,
  match: RowMatch<Rows[T]>,
  timeout = 5_000,
): Promise<Rows[T]> {
  const matches = rowTest(match);
  let rows: Rows[T][] = [];
  let found: Rows[T] | undefined;
  try {
    await expect
      .poll(
        async () => {
          rows = await readStore(sw, table).catch(() => rows);
          found = rows.find(matches);
          return found !== undefined;
        },
        { timeout },
      )
      .toBe(true);
  } catch {
    const what = typeof match === 'function' ? match.toString() : JSON.stringify(match);
    throw new Error(
      `No row in "${table}" matched ${what} within ${timeout} ms. Rows:\n` +
        JSON.stringify(rows, null, 2),
    );
  }
  return found!;
}

/** Stored events, optionally of one type, in order of arrival. */
export async function events(sw: Worker, type?: StoredEvent['type']): Promise<StoredEvent[]> {
  const rows = await readStore(sw, 'events');
  return rows.filter((e) => !type || e.type === type).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

/**
 * Waits until the background has stored the bundled packs and registered the overlay content
 * script; pages opened before that would not get the overlay.
 */
export async function waitForReady(sw: Worker, timeout = 15_000): Promise<void> {
  let aids = 0;
  let scripts: RegisteredScript[] = [];
  try {
    await expect
      .poll(
        async () => {
          aids = (await readStore(sw, 'aids').catch(() => [])).length;
          scripts = await registeredScripts(sw).catch(() => []);
          return aids > 0 && scripts.some((s) => s.id === OVERLAY_SCRIPT_ID);
        },
        { timeout },
      )
      .toBe(true);
  } catch {
    throw new Error(
      `The background was not ready within ${timeout} ms: ${aids} rows in "aids"; ` +
        `registered content scripts: ${JSON.stringify(scripts)} (want id "${OVERLAY_SCRIPT_ID}").`,
    );
  }
}

/** The overlay's host element. */
export function overlay(page: Page): Locator {
  return page.locator('inflow-overlay');
}

/** The overlay's panel, `role=complementary` named "Inflow". */
export function panel(page: Page): Locator {
  return overlay(page).getByRole('complementary', { name: 'Inflow' });
}

/** One checklist: a section (region) named by its title. */
export function checklist(page: Page, title: string): Locator {
  return panel(page).getByRole('region', { name: title, exact: true });
}

/** A step's checkbox; its accessible name is the step's plain text. */
export function stepBox(list: Locator, text: string | RegExp): Locator {
  return list.getByRole('checkbox', { name: text, exact: true });
}

/** A step's list item (checkbox, state line and buttons). */
export function step(list: Locator, text: string | RegExp): Locator {
  return list
    .getByRole('listitem')
    .filter({ has: list.page().getByRole('checkbox', { name: text, exact: true }) });
}

/** Moves focus with `key` alone until `target` (in the overlay's shadow root) has it. */
export async function tabTo(page: Page, target: Locator, key: 'Tab' | 'Shift+Tab') {
  for (let i = 0; i < 80; i++) {
    const focused = await target.evaluate(
      (el) => (el.getRootNode() as ShadowRoot).activeElement === el,
    );
    if (focused) return;
    await page.keyboard.press(key);
  }
  throw new Error('the control could not be reached with the keyboard');
}

/**
 * Gives `target` in the overlay focus with the keyboard, backwards from the end of the page,
 * as a person does. A script's `focus()` (as `locator.focus()` is) counts as no person's.
 */
export async function keyboardFocus(page: Page, target: Locator) {
  await page.locator('body').focus();
  await tabTo(page, target, 'Shift+Tab');
}

/** The overlay's live region. */
export function liveStatus(page: Page): Locator {
  return overlay(page).getByRole('status');
}

/** A tip's beacon button, "Tip: <title>". */
export function beacon(page: Page, title: string): Locator {
  return overlay(page).getByRole('button', { name: `Tip: ${title}`, exact: true });
}

/** A tip's open bubble, a dialog "Tip: <title>". */
export function bubble(page: Page, title: string): Locator {
  return overlay(page).getByRole('dialog', { name: `Tip: ${title}`, exact: true });
}

/**
 * Names of the extension's isolated worlds in a page (over CDP): a content script of the
 * extension has run in the page if and only if this is non-empty.
 */
export async function extensionWorlds(page: Page, extensionId: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const worlds: string[] = [];
  cdp.on('Runtime.executionContextCreated', ({ context }) => {
    if (String(context.origin).startsWith(`chrome-extension://${extensionId}`)) {
      worlds.push(context.name || context.origin);
    }
  });
  // Enabling Runtime reports every existing execution context.
  await cdp.send('Runtime.enable');
  await cdp.detach();
  return worlds;
}

/**
 * Moves the mouse onto `element` in the app's tab until the element picker frames it and
 * names it `tag` ("textbox “Street” · label “Street”"); the caller then clicks to capture.
 */
export async function pointPickerAt(app: Page, element: Locator, tag: string) {
  const picker = app.locator('inflow-picker');
  await expect(picker).toHaveCount(1);
  const box = await element.boundingBox();
  if (!box) throw new Error(`${tag}: the element is not on screen`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await app.mouse.move(x - 30, y);
  await app.mouse.move(x, y);
  await expect(picker.locator('.tag')).toHaveText(tag);
}

export type { BrowserContext, Page, Worker };

/** One step of a bundled checklist, as far as the tests rely on it. */
export interface PackStep {
  id: string;
  text: string;
  optional?: boolean;
}

/**
 * A checklist of a bundled pack (aids/<folder>/pack.json): its pack id, store key, title,
 * steps, and a step's text as the panel shows it (the packs use only **bold**).
 */
export function bundledChecklist(folder: string, aidId: string) {
  const pack = JSON.parse(readFileSync(resolve(ROOT, 'aids', folder, 'pack.json'), 'utf8'));
  const aid = pack.aids.find((a: { id: string }) => a.id === aidId);
  const steps: PackStep[] = aid.steps;
  return {
    packId: pack.id as string,
    key: `${pack.id}/${aid.id}`,
    title: aid.title as string,
    steps,
    text: (id: string) => steps.find((s) => s.id === id)!.text.replace(/\*\*/g, ''),
  };
}

/** The step of `list` with this text ticked itself. */
export async function expectDoneAutomatically(list: Locator, text: string) {
  await expect(stepBox(list, text)).toBeChecked();
  await expect(step(list, text)).toContainText('Done automatically');
}
