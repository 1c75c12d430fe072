/**
 * An author's whole workflow in the options page, against the sample portal: a new
 * checklist whose targets are picked on the live page, a preview that records nothing, a
 * publish, the published aid on staff pages, a target that heals when the app's next
 * release renames its ids and classes (and the editor saying so), then export, import into
 * another browser profile, a broken file refused whole, and a preview there that stands in
 * for the aid being edited. Screenshots of each step go to test-results/authoring/.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator } from '@playwright/test';
import {
  extensionIdOf,
  extensionWorker,
  launchWithExtension,
} from '../../scripts/lib/extension.mjs';
import { seriousViolations } from './axe';
import {
  checklist,
  events,
  expect,
  overlay,
  type Page,
  pointPickerAt,
  readStore,
  registeredScripts,
  step,
  stepBox,
  test,
  waitForReady,
  waitForStore,
} from './fixtures';

const SHOTS = 'test-results/authoring';
const TITLE = 'Update a billing address';
const AID_ID = 'update-a-billing-address';
const KEY = `my-aids/${AID_ID}`;
const STEPS = ['Enter the new street', 'Enter the new postcode'];

/** What the person sees in the window, with `subject` scrolled into view first. */
async function shot(page: Page, name: string, subject?: Locator) {
  await subject?.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

async function openAids(page: Page, extensionId: string, sub = '') {
  await page.goto(`chrome-extension://${extensionId}/options.html#aids${sub}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

/** Moves the mouse onto the field labelled `label` in the app until the picker frames it. */
async function pickField(app: Page, label: string) {
  const field = app.getByLabel(label, { exact: true });
  await pointPickerAt(app, field, `textbox “${label}” · label “${label}”`);
}

test('an author builds, previews and publishes a checklist; it heals; it moves to another browser', async ({
  page: app,
  context,
  appServer,
  serviceWorker,
  extensionId,
  extensionPath,
  headless,
}) => {
  test.setTimeout(180_000);
  await mkdir(SHOTS, { recursive: true });
  const portal = appServer.origin('portal');
  const address = `${portal}/billing/address`;
  const pattern = '*://portal.localhost:*/billing/address';

  // --- 1. A new checklist, its targets picked on the live portal tab -----------------------
  await app.goto(address);
  await expect(app.getByRole('heading', { name: 'Change your address' })).toBeVisible();
  const options = await context.newPage();
  await options.setViewportSize({ width: 1280, height: 900 });
  await openAids(options, extensionId);
  await expect(options.getByRole('heading', { name: 'All aids' })).toBeVisible();
  await expect(options.getByRole('status').filter({ hasText: /\d+ aids · showing/ })).toBeVisible();
  expect(seriousViolations(await new AxeBuilder({ page: options }).analyze())).toEqual([]);

  await options.getByRole('link', { name: 'New aid' }).click();
  await expect(options.getByRole('heading', { name: 'New aid' })).toBeVisible();
  await expect(options.getByRole('radio', { name: 'Checklist' })).toBeChecked();
  await options.getByRole('textbox', { name: 'Title' }).fill(TITLE);
  await expect(options.getByRole('textbox', { name: 'Id' })).toHaveValue(AID_ID);
  await options.getByRole('button', { name: 'Create draft' }).click();
  await expect(options.getByRole('heading', { level: 2, name: new RegExp(TITLE) })).toBeVisible();

  // A new checklist comes with one empty URL pattern and one empty step.
  await options.getByRole('textbox', { name: 'URL pattern 1' }).fill(pattern);
  // The app tab, chosen in the editor's tab chooser.
  const chooser = options.getByRole('combobox', { name: 'App tab' });
  await options.getByRole('button', { name: 'Refresh list' }).click();
  const appTitle = await app.title();
  await chooser.selectOption({ label: `${appTitle} — ${address}` });

  const fields = ['Street', 'Postcode'];
  for (const [i, text] of STEPS.entries()) {
    const n = i + 1;
    if (i > 0) await options.getByRole('button', { name: 'Add a step' }).click();
    await options.getByRole('textbox', { name: `Step ${n} text` }).fill(text);
    const target = options.getByRole('group', { name: `Step ${n}: the element it is about` });
    await target.getByRole('button', { name: 'Pick on page' }).click();
    await expect(target.getByRole('status')).toHaveText(
      'Click the element in the app’s tab. Escape cancels.',
    );
    // The editor brought the app's tab to the front and put the picker in it.
    await expect.poll(() => app.evaluate(() => document.visibilityState)).toBe('visible');
    await pickField(app, fields[i]!);
    if (i === 0) await shot(app, 'picker-highlight');
    const box = (await app.getByLabel(fields[i]!, { exact: true }).boundingBox())!;
    await app.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect(app.locator('inflow-picker')).toHaveCount(0);
    // And brought the author back to the editor.
    await expect.poll(() => options.evaluate(() => document.visibilityState)).toBe('visible');
    await expect(target.getByRole('status')).toHaveText(
      `Captured: textbox “${fields[i]}” (label “${fields[i]}”)`,
    );
    await expect(target.getByRole('textbox', { name: 'Label', exact: true })).toHaveValue(
      fields[i]!,
    );
    await expect(
      target.getByRole('textbox', { name: 'CSS selector', exact: true }),
    ).not.toHaveValue('');
  }
  await expect(options.getByText(/^Draft saved at/)).toBeVisible();
  await options.bringToFront();
  await shot(
    options,
    'editor-captured-target',
    options.getByRole('group', { name: 'Step 1: the element it is about' }),
  );
  expect(seriousViolations(await new AxeBuilder({ page: options }).analyze())).toEqual([]);

  // The draft as stored: the picked targets are there.
  const draft = await waitForStore(
    serviceWorker,
    'drafts',
    (d) => d.key === KEY && JSON.stringify(d.aid).includes('Postcode'),
  );
  expect(draft.aid).toMatchObject({
    id: AID_ID,
    kind: 'checklist',
    title: TITLE,
    match: { urls: [pattern] },
    steps: [
      { text: STEPS[0], target: { label: 'Street', role: 'textbox' } },
      { text: STEPS[1], target: { label: 'Postcode', role: 'textbox' } },
    ],
  });

  // --- 2. Preview on the app's tab: shown, and nothing recorded for it --------------------
  await options.getByRole('button', { name: 'Preview on page' }).click();
  await expect(options.getByText(`Previewing in “${appTitle}”.`, { exact: false })).toBeVisible();
  const previewed = checklist(app, TITLE);
  await expect(previewed).toBeVisible({ timeout: 10_000 });
  for (const text of STEPS) await expect(stepBox(previewed, text)).toBeVisible();
  // The author can tell the draft from the published aids on the page.
  await expect(previewed.getByText('Preview of a draft: not published')).toBeVisible();
  await app.bringToFront();
  await shot(app, 'preview-on-portal', previewed);
  await app.getByLabel('Street', { exact: true }).fill('1 High Street');
  // Give the overlay time to send anything it would have recorded.
  await app.waitForTimeout(1_000);
  expect((await events(serviceWorker)).filter((e) => e.aidKey === KEY)).toEqual([]);

  // --- 3. Publish -------------------------------------------------------------------------
  await options.bringToFront();
  await options.getByRole('button', { name: 'Stop preview' }).click();
  await expect(options.getByText('Preview stopped.')).toBeVisible();
  await options.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(options.getByText('Published version 1')).toBeVisible();
  await expect(options.getByRole('heading', { name: /^Version 1\b/ })).toBeVisible();
  const pack = await waitForStore(serviceWorker, 'packs', 'my-aids');
  expect(pack).toMatchObject({ id: 'my-aids', source: 'local' });
  const row = await waitForStore(serviceWorker, 'aids', (r) => r.key === KEY);
  expect(row).toMatchObject({ packId: 'my-aids', aidId: AID_ID, aid: draft.aid });
  await waitForStore(serviceWorker, 'aidVersions', { key: KEY, rev: 1 });
  expect(await readStore(serviceWorker, 'drafts')).toEqual([]);

  // --- 4. The published checklist on the portal --------------------------------------------
  await app.reload();
  const live = checklist(app, TITLE);
  await expect(live).toBeVisible({ timeout: 10_000 });
  for (const text of STEPS) await expect(stepBox(live, text)).toBeVisible();
  await waitForStore(serviceWorker, 'events', { type: 'aid_shown', aidKey: KEY });

  // --- 5. The app's next release renames ids and classes: the targets heal ----------------
  const release2 = await context.newPage();
  await release2.goto(`${address}?release=2`);
  await expect(release2.locator('#street')).toHaveCount(0);
  const healed = checklist(release2, TITLE);
  await expect(healed).toBeVisible({ timeout: 10_000 });
  for (const text of STEPS) {
    await expect(step(healed, text)).toBeVisible();
    await expect(step(healed, text)).not.toContainText('Not found on this page');
  }
  const event = await waitForStore(
    serviceWorker,
    'events',
    { type: 'target_healed', aidKey: KEY },
    10_000,
  );
  expect(['label', 'attrs']).toContain(event.foundBy);
  expect(event.failedSignals).toContain('css');

  // "Check on page" in the release-2 tab says the same to the author.
  await options.bringToFront();
  await options.getByRole('button', { name: 'Refresh list' }).click();
  await options
    .getByRole('combobox', { name: 'App tab' })
    .selectOption({ label: `${appTitle} — ${address}?release=2` });
  const step1 = options.getByRole('group', { name: 'Step 1: the element it is about' });
  await step1.getByRole('button', { name: 'Check on page' }).click();
  await expect(step1.getByRole('status')).toHaveText(
    /^Found by (label “Street”|attributes).*the CSS selector .*no longer match/,
  );
  await release2.close();

  await options.bringToFront();
  await options.reload();
  await expect(options.getByRole('heading', { level: 2, name: new RegExp(TITLE) })).toBeVisible();
  await expect(options.getByText(/targets? needs? attention/)).toBeVisible();
  const report = options
    .getByRole('group', { name: 'Step 1: the element it is about' })
    .getByText(
      /^On staff pages: Found by (label “Street”|attributes).*; the CSS selector.* no longer match(es)?\. Once, last /,
    );
  await expect(report).toBeVisible();
  await shot(options, 'editor-heal-report', report);
  expect(seriousViolations(await new AxeBuilder({ page: options }).analyze())).toEqual([]);

  // --- 6. Export, then import into another browser profile ---------------------------------
  await openAids(options, extensionId);
  const mine = options.getByRole('listitem').filter({
    has: options.getByRole('heading', { name: TITLE, exact: true }),
  });
  // Both steps' targets healed on the one release-2 page.
  await expect(mine.getByRole('list', { name: 'Status' })).toHaveText('Healed 2 times');
  await expect(mine).toContainText('My aids');
  // The author's own aids, found with the Pack filter.
  await options.getByRole('combobox', { name: 'Pack' }).selectOption({ label: 'My aids' });
  await expect(options.getByText(/^\d+ aids · showing 1$/)).toBeVisible();
  await shot(options, 'aid-list');
  expect(seriousViolations(await new AxeBuilder({ page: options }).analyze())).toEqual([]);
  await options.getByRole('button', { name: 'Export…' }).click();
  await options.getByRole('checkbox', { name: `Select ${TITLE}` }).check();
  const [download] = await Promise.all([
    options.waitForEvent('download'),
    options.getByRole('button', { name: 'Export selected (1)' }).click(),
  ]);
  await expect(options.getByText(/^Exported 1 aid to /)).toBeVisible();
  const fileText = await readFile(await download.path(), 'utf8');
  const exported = JSON.parse(fileText) as { id: string; aids: unknown[] };
  expect(exported.aids).toEqual([row.aid]);
  const originals = (await readStore(serviceWorker, 'aids'))
    .filter((r) => r.key === KEY)
    .map((r) => r.aid);

  const dir = await mkdtemp(join(tmpdir(), 'inflow-e2e-other-'));
  const other = await launchWithExtension(dir, { headless, ext: extensionPath });
  try {
    const sw2 = await extensionWorker(other);
    await waitForReady(sw2);
    const page2 = other.pages()[0] ?? (await other.newPage());
    await openAids(page2, extensionIdOf(sw2));
    const packFile = join(dir, download.suggestedFilename());
    await writeFile(packFile, fileText);
    await page2.getByRole('button', { name: 'Import a pack file' }).first().click();
    const imports = page2.getByRole('region', { name: 'Import a pack file' });
    await imports.getByLabel('Pack file (JSON)').setInputFiles(packFile);
    await expect(imports.getByRole('status')).toHaveText(
      `Imported “${exported.id}” version 1.0.0: 1 aid.`,
    );
    await expect(page2.getByRole('link', { name: TITLE, exact: true })).toBeVisible();
    const imported = (await readStore(sw2, 'aids'))
      .filter((r) => r.packId === exported.id)
      .map((r) => r.aid);
    expect(imported).toEqual(originals);
    // Imported aids are the author's to change.
    await page2.getByRole('link', { name: TITLE, exact: true }).click();
    await expect(page2.getByRole('heading', { level: 2, name: new RegExp(TITLE) })).toBeVisible();
    await expect(page2.getByRole('button', { name: 'Publish', exact: true })).toBeEnabled();
    await expect(page2.getByRole('textbox', { name: 'Step 1 text' })).toBeEditable();
    await expect(page2.getByText(/read-only/i)).toHaveCount(0);
    await page2.getByRole('link', { name: 'Back to the aid list' }).click();
    await page2.getByRole('button', { name: 'Import a pack file' }).first().click();

    // --- 7. A broken file: every problem by its JSON path, nothing imported ---------------
    const before = {
      packs: await readStore(sw2, 'packs'),
      aids: await readStore(sw2, 'aids'),
      aidVersions: await readStore(sw2, 'aidVersions'),
    };
    const broken = JSON.parse(fileText) as {
      version: string;
      aids: { steps: { text: string }[] }[];
    };
    broken.version = 'two';
    broken.aids[0]!.steps[0]!.text = '';
    const brokenFile = join(dir, 'broken-pack.json');
    await writeFile(brokenFile, JSON.stringify(broken, null, 2));
    await imports.getByLabel('Pack file (JSON)').setInputFiles(brokenFile);
    const problems = imports.getByRole('heading', {
      name: /^Nothing was imported: \d+ problems in broken-pack\.json$/,
    });
    await expect(problems).toBeVisible();
    const listed = imports.getByRole('listitem');
    await expect(listed.filter({ hasText: /^version\b/ })).toHaveCount(1);
    await expect(listed.filter({ hasText: /^aids\[0\]\.steps\[0\]\.text\b/ })).toHaveCount(1);
    await shot(page2, 'import-problems', problems);
    expect(seriousViolations(await new AxeBuilder({ page: page2 }).analyze())).toEqual([]);
    expect({
      packs: await readStore(sw2, 'packs'),
      aids: await readStore(sw2, 'aids'),
      aidVersions: await readStore(sw2, 'aidVersions'),
    }).toEqual(before);

    // --- A preview stands in for the aid being edited, even when another pack has an aid
    // with the same id: here the imported aid is changed, then a new aid of the author's own
    // gets that id (its draft is the newer one), then the imported aid is previewed.
    const importedEditor = `/edit/${encodeURIComponent(`${exported.id}/${AID_ID}`)}`;
    await openAids(page2, extensionIdOf(sw2), importedEditor);
    await page2
      .getByRole('textbox', { name: 'Step 2 text' })
      .fill('Enter the postcode in capitals');
    await expect(page2.getByText(/^Draft saved at/)).toBeVisible();
    await openAids(page2, extensionIdOf(sw2), '/new');
    await page2.getByRole('textbox', { name: 'Title' }).fill('Same id, other aid');
    await page2.getByRole('textbox', { name: 'Id' }).fill(AID_ID);
    await page2.getByRole('button', { name: 'Create draft' }).click();
    await page2.getByRole('textbox', { name: 'Step 1 text' }).fill('Something else');
    await expect(page2.getByText(/^Draft saved at/)).toBeVisible();
    const portal2 = await other.newPage();
    await portal2.goto(address);
    await expect(checklist(portal2, TITLE)).toBeVisible({ timeout: 10_000 });
    await page2.bringToFront();
    await openAids(page2, extensionIdOf(sw2), importedEditor);
    await expect(page2.getByRole('textbox', { name: 'Step 2 text' })).toHaveValue(
      'Enter the postcode in capitals',
    );
    await page2
      .getByRole('combobox', { name: 'App tab' })
      .selectOption({ label: `${appTitle} — ${address}` });
    await page2.getByRole('button', { name: 'Preview on page' }).click();
    await expect(page2.getByText(/^Previewing in/)).toBeVisible();
    const inPreview = checklist(portal2, TITLE);
    await expect(stepBox(inPreview.first(), 'Enter the postcode in capitals')).toBeVisible({
      timeout: 10_000,
    });
    // In place of the published version, not beside it.
    await expect(inPreview).toHaveCount(1);
  } finally {
    await other.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a checklist for an app without aids: the preview brings the overlay, the publish keeps it there', async ({
  page: app,
  context,
  appServer,
  serviceWorker,
  extensionId,
}) => {
  test.setTimeout(90_000);
  const url = `${appServer.origin('plain')}/`;
  const title = 'Reading list';
  await app.goto(url);
  await expect(app.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(overlay(app)).toHaveCount(0);

  const options = await context.newPage();
  await openAids(options, extensionId, '/new');
  await options.getByRole('textbox', { name: 'Title' }).fill(title);
  await options.getByRole('button', { name: 'Create draft' }).click();
  await options.getByRole('textbox', { name: 'URL pattern 1' }).fill('*://plain.localhost:*/*');
  await options.getByRole('textbox', { name: 'Step 1 text' }).fill('Read the article');
  await options.getByRole('button', { name: 'Refresh list' }).click();
  await options
    .getByRole('combobox', { name: 'App tab' })
    .selectOption({ label: `${await app.title()} — ${url}` });
  await expect(options.getByText(/^Draft saved at/)).toBeVisible();

  await options.getByRole('button', { name: 'Preview on page' }).click();
  const previewed = checklist(app, title);
  await expect(previewed).toBeVisible({ timeout: 10_000 });
  await expect(stepBox(previewed, 'Read the article')).toBeVisible();

  await options.getByRole('button', { name: 'Stop preview' }).click();
  await expect(previewed).toHaveCount(0);
  await options.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(options.getByText('Published version 1')).toBeVisible();
  await expect
    .poll(async () =>
      (await registeredScripts(serviceWorker))
        .flatMap((s) => s.matches ?? [])
        .some((m) => m.includes('plain.localhost')),
    )
    .toBe(true);
  await app.reload();
  await expect(checklist(app, title)).toBeVisible({ timeout: 10_000 });
  await waitForStore(serviceWorker, 'events', {
    type: 'aid_shown',
    aidKey: 'my-aids/reading-list',
  });
});
