/**
 * Hostile packs through the extension's own import in Chromium (native URLPattern, the
 * background's validation): the same verdict as in Node for every pack, the same JSON paths,
 * and what is accepted renders inert on a page.
 */
// Node has no URLPattern of its own: the CLI loads the same polyfill.
import 'urlpattern-polyfill';
import { parsePackText } from '../../src/aids/validate';
import { hostilePacks } from '../fuzz/hostile-packs';
import { type BrowserContext, checklist, expect, panel, test } from './fixtures';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const COUNT = Number(process.env.FUZZ_E2E_PACKS ?? 260);

interface Answer {
  ok?: boolean;
  problems?: { path: string; message: string }[];
  error?: string;
}

/** Imports each pack as an author's "Import a pack file" does: the background's verdicts. */
async function importAll(context: BrowserContext, extensionId: string, texts: string[]) {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const answers = await options.evaluate(async (all) => {
    type Runtime = { sendMessage(message: unknown): Promise<unknown> };
    const { runtime } = (globalThis as unknown as { chrome: { runtime: Runtime } }).chrome;
    const out: unknown[] = [];
    for (const text of all) out.push(await runtime.sendMessage({ type: 'authoring.import', text }));
    return out;
  }, texts);
  await options.close();
  return answers as Answer[];
}

test('hostile packs get the same verdict in Chromium as in Node, and what is accepted is inert', async ({
  context,
  page,
  appServer,
  extensionId,
}) => {
  test.setTimeout(120_000);
  const origin = appServer.origin('plain');
  const packs = hostilePacks(SEED, COUNT, { urls: [`${origin}/*`] }).filter(
    // Large packs take seconds to send one by one; the unit fuzz test covers them.
    (p) => p.kind !== 'large',
  );
  const answers = await importAll(
    context,
    extensionId,
    packs.map((p) => p.json),
  );

  const disagreements: string[] = [];
  packs.forEach((pack, i) => {
    const node = parsePackText(pack.json);
    const browser = answers[i]!;
    if (browser.error) {
      disagreements.push(`${pack.name}: the import failed: ${browser.error}`);
      return;
    }
    const nodePaths = node.ok ? [] : [...new Set(node.problems.map((p) => p.path))].sort();
    const browserPaths = [...new Set((browser.problems ?? []).map((p) => p.path))].sort();
    if (node.ok !== browser.ok || nodePaths.join('|') !== browserPaths.join('|')) {
      disagreements.push(
        `${pack.name}: Node ${node.ok ? 'accepts' : `refuses at ${nodePaths.join(', ')}`}, Chromium ${
          browser.ok
            ? 'accepts'
            : `refuses: ${(browser.problems ?? []).map((p) => `${p.path}: ${p.message}`).join('; ')}`
        }`,
      );
    }
  });
  expect(disagreements).toEqual([]);
  expect(answers.filter((a) => a.ok).length, 'some packs were accepted').toBeGreaterThan(10);

  // The accepted packs with markup in every text apply on this page: nothing of it runs.
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${origin}/`);
  await expect(panel(page)).toBeVisible({ timeout: 10_000 });
  const markup = packs.find((p) => p.kind === 'markup' && answers[packs.indexOf(p)]!.ok)!;
  const title = (JSON.parse(markup.json) as { aids: { title: string }[] }).aids[0]!.title;
  // Shown as the text it is.
  await expect(checklist(page, title).first()).toBeVisible();
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as { __inflowPwned?: unknown }).__inflowPwned)).toBe(
    undefined,
  );
  expect(dialogs).toEqual([]);
});
