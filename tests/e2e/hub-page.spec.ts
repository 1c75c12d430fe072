/**
 * The hub's page in a real Chromium against a real hub (startHub on a free port, PGlite in
 * memory): six simulated people's events arrive through POST /api/events with a device
 * token, the sample CRM pack (and a hostile one) are stored, an author signs in with the
 * keyboard only and reads the fleet Insights: names, numbers, "fewer than 5 people" rows,
 * filters, the CSV, markup from a pack or a reason shown as text, axe, and 320 px wide.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { PGlite } from '@electric-sql/pglite';
import { type Browser, chromium, expect, type Locator, type Page, test } from '@playwright/test';
import Papa from 'papaparse';
import { chromiumPath, ROOT } from '../../scripts/lib/extension.mjs';
import { createDevice } from '../../src/hub/devices';
import { addPack } from '../../src/hub/packs';
import { type Hub, startHub } from '../../src/hub/server';
import { addUser } from '../../src/hub/users';
import type { HubEvent } from '../../src/protocol/hub';
import { seriousViolations } from './axe';

const PASSWORD = 'an author’s long password';
const HOUR = 60 * 60 * 1000;
const CRM = 'northwind-crm';
const HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">Refund <b>now</b>';
const HOSTILE_STEP = '<script>window.__pwned=2</script>Check the amount';
const HOSTILE_REASON = '<img src=y onerror="window.__pwned=3">no receipt';
/**
 * The guide's image, rewritten only when asked (INFLOW_DOCS_IMAGES=1), so that a test run
 * leaves the tree as it was; otherwise the screenshot goes with the test's other output.
 */
const DOCS_SCREENSHOT = resolve(ROOT, 'docs/images/hub-insights.png');

let serial = 0;

/** One person's event on the sample CRM, `hoursAgo` hours ago. */
function ev(
  actor: string,
  aid: string,
  type: HubEvent['type'],
  over: Partial<HubEvent> & { hoursAgo?: number } = {},
): HubEvent {
  const { hoursAgo = 30, ...rest } = over;
  const at = Date.now() - hoursAgo * HOUR;
  serial++;
  const team = ['p5', 'p6'].includes(actor) ? 'billing' : 'care';
  return {
    id: `e2e-${String(serial).padStart(6, '0')}`,
    type,
    aidKey: `${CRM}/${aid}`,
    aidId: aid,
    packId: CRM,
    packVersion: '1.0.0',
    url: 'https://crm.example.com/contacts/new',
    at,
    recordedAt: at + 10,
    actor: `actor-${actor}`,
    team,
    role: team === 'care' ? 'agent' : 'lead',
    ...rest,
  };
}

/**
 * Six people on "New contact" (all confirm the identity and the email, five skip consent
 * with one reason, five choose the channel, three save: that step reads "fewer than 5");
 * six on "Before discussing the account"; two on the email tip (hidden as a whole); five
 * on the hostile pack's aid, all skipping with a reason that is markup.
 */
function fleetEvents(): HubEvent[] {
  const out: HubEvent[] = [];
  const six = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
  for (const [i, p] of six.entries()) {
    const h = 6 + i * 13;
    out.push(ev(p, 'new-contact', 'aid_shown', { hoursAgo: h + 1 }));
    out.push(ev(p, 'new-contact', 'aid_shown', { hoursAgo: h + 30 }));
    out.push(ev(p, 'new-contact', 'step_done', { stepId: 'identity', how: 'manual', hoursAgo: h }));
    out.push(
      ev(p, 'new-contact', 'step_done', {
        stepId: 'email',
        how: i < 4 ? 'auto' : 'manual',
        hoursAgo: h,
      }),
    );
    if (i === 2) out.push(ev(p, 'new-contact', 'step_undone', { stepId: 'email', hoursAgo: h }));
    if (i < 5) {
      out.push(
        ev(p, 'new-contact', 'step_skipped', {
          stepId: 'consent',
          reason: 'Customer will decide by email',
          hoursAgo: h,
        }),
      );
      out.push(
        ev(p, 'new-contact', 'step_done', { stepId: 'channel', how: 'manual', hoursAgo: h }),
      );
    } else {
      out.push(
        ev(p, 'new-contact', 'step_done', { stepId: 'consent', how: 'manual', hoursAgo: h }),
      );
    }
    if (i === 3 || i === 4) {
      out.push(ev(p, 'new-contact', 'target_missing', { stepId: 'channel', hoursAgo: h }));
    }
    if (i < 3) {
      out.push(ev(p, 'new-contact', 'step_done', { stepId: 'save', how: 'auto', hoursAgo: h }));
      out.push(
        ev(p, 'new-contact', 'checklist_completed', { hoursAgo: h, ms: 150_000 + i * 30_000 }),
      );
    } else if (i === 5) {
      out.push(ev(p, 'new-contact', 'run_abandoned', { hoursAgo: h - 2 }));
    }

    out.push(ev(p, 'case', 'aid_shown', { hoursAgo: h + 3 }));
    out.push(
      ev(p, 'case', 'step_done', { stepId: 'pass-security', how: 'manual', hoursAgo: h + 3 }),
    );
    out.push(
      ev(p, 'case', 'step_done', { stepId: 'log-call-reason', how: 'auto', hoursAgo: h + 3 }),
    );
    if (i < 5) {
      out.push(ev(p, 'case', 'step_done', { stepId: 'write-notes', how: 'auto', hoursAgo: h + 3 }));
    }
    if (i < 4) {
      out.push(
        ev(p, 'case', 'step_done', { stepId: 'resolve-case', how: 'manual', hoursAgo: h + 3 }),
      );
      out.push(ev(p, 'case', 'checklist_completed', { hoursAgo: h + 3 }));
    }
    if (i < 2) {
      out.push(ev(p, 'email-tip', 'aid_shown', { hoursAgo: h }));
      out.push(ev(p, 'email-tip', 'tip_opened', { hoursAgo: h }));
    }
    if (i < 5) {
      const hostile = { packId: 'hostile', aidKey: 'hostile/refund', aidId: 'refund' };
      out.push(ev(p, 'refund', 'aid_shown', { ...hostile, hoursAgo: h }));
      out.push(
        ev(p, 'refund', 'step_skipped', {
          ...hostile,
          stepId: 'amount',
          reason: HOSTILE_REASON,
          hoursAgo: h,
        }),
      );
    }
  }
  return out;
}

const HOSTILE_PACK = {
  format: 1,
  id: 'hostile',
  version: '1.0.0',
  title: '<i>Hostile</i> pack',
  aids: [
    {
      id: 'refund',
      kind: 'checklist',
      title: HOSTILE_TITLE,
      match: { urls: ['https://crm.example.com/refunds/*'] },
      steps: [{ id: 'amount', text: HOSTILE_STEP }],
    },
  ],
};

/** The cells of a table's row for one step, as text. */
async function cells(table: Locator, text: string): Promise<string[]> {
  const row = table.getByRole('row').filter({ hasText: text }).first();
  return (await row.getByRole('cell').allInnerTexts()).map((t) => t.trim());
}

const figure = (section: Locator, label: string) =>
  section
    .locator('.figures > div')
    .filter({ has: section.page().getByText(label, { exact: true }) })
    .locator('dd');

/** Presses Tab until `target` has the focus (at most `max` times): keyboard only. */
async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('not reached with Tab');
}

let hub: Hub;
let browser: Browser;

test.beforeAll(async () => {
  hub = await startHub({ pglite: new PGlite(), port: 0 });
  const { token } = await createDevice(hub.db, 'E2E fleet');
  await addUser(hub.db, 'ann', 'author', PASSWORD);
  const crm = await readFile(resolve(ROOT, 'aids/crm/pack.json'), 'utf8');
  expect((await addPack(hub.db, crm, new Date())).ok).toBe(true);
  expect((await addPack(hub.db, JSON.stringify(HOSTILE_PACK), new Date())).ok).toBe(true);
  const events = fleetEvents();
  const res = await fetch(hub.url('/api/events'), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ accepted: events.length, duplicates: 0 });
  browser = await chromium.launch({ executablePath: chromiumPath() });
});

test.afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

test('an author signs in with the keyboard and reads the fleet Insights', async () => {
  test.setTimeout(60_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cspErrors: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  page.on('pageerror', (e) => cspErrors.push(e.message));

  await page.goto(hub.url('/'));
  const signIn = page.getByRole('heading', { level: 1, name: 'Sign in to the Inflow hub' });
  await expect(signIn).toBeFocused();
  // A wrong password, then the right one: keyboard only.
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Name')).toBeFocused();
  await page.keyboard.type('ann');
  await page.keyboard.press('Tab');
  await page.keyboard.type('wrong password');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Wrong name or password.');
  await page.getByLabel('Password').focus();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Insights' })).toBeVisible();
  await expect(page.getByText('Signed in as ann (author)')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Views' }).getByRole('link')).toHaveText([
    'Insights',
    'Health',
    'Versions',
    'Touchpoints',
  ]);

  // Names from the stored pack, numbers from the six people's events.
  const contact = page.getByRole('region', { name: 'New contact', exact: true });
  await expect(contact).toBeVisible();
  await expect(contact.locator('.meta')).toHaveText(
    'Checklist from Northwind CRM – Customer Care (northwind-crm), version 1.0.0',
  );
  await expect(figure(contact, 'People')).toHaveText('6');
  await expect(figure(contact, 'People who started')).toHaveText('6');
  await expect(figure(contact, 'Shown')).toHaveText('12');
  await expect(figure(contact, 'Completed')).toHaveText('3');
  await expect(figure(contact, 'Left unfinished')).toHaveText('1');
  // 2½, 3 and 3½ minutes: the middle one, as its duration bucket gives it.
  await expect(figure(contact, 'Median time to complete')).toHaveText('about 3 min 4 s');
  const steps = contact.getByRole('table', { name: /^Steps of “New contact”/ });
  // People, done automatically, by hand, undone, skipped, target missing, found by weaker signals.
  expect(await cells(steps, '1. Confirm the caller’s identity')).toEqual([
    '6',
    '0',
    '6',
    '0',
    '0',
    '0',
    '0',
  ]);
  expect(await cells(steps, '2. Enter a valid email')).toEqual(['6', '4', '2', '1', '0', '0', '0']);
  expect(await cells(steps, '3. Record consent')).toEqual(['6', '0', '1', '0', '5', '0', '0']);
  expect(await cells(steps, '4. Choose the preferred channel')).toEqual([
    '5',
    '0',
    '5',
    '0',
    '0',
    '2',
    '0',
  ]);
  expect(await cells(steps, '5. Save the contact')).toEqual(['fewer than 5 people']);
  const drop = contact.getByRole('table', { name: 'Drop-off of “New contact”, as numbers' });
  expect(await cells(drop, '3. Record consent')).toEqual(['6', '100%']);
  expect(await cells(drop, '4. Choose the preferred channel')).toEqual(['5', '83%']);
  expect(await cells(drop, '5. Save the contact')).toEqual(['fewer than 5', '—']);
  await expect(contact.locator('.chart canvas')).toHaveCount(1);

  // The tip two people used is hidden as a whole.
  const tip = page.getByRole('region', { name: 'Email', exact: true });
  await expect(tip.locator('.hidden-aid')).toHaveText('fewer than 5 people');
  await expect(tip.locator('dl, table')).toHaveCount(0);

  // Keyboard: expand the consent step's reasons; the focus ring shows.
  const expand = steps.getByRole('button', { name: /3\. Record consent/ });
  await tabTo(page, expand);
  const ring = await expand.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(ring).toBe('solid');
  await page.keyboard.press('Enter');
  await expect(expand).toHaveAttribute('aria-expanded', 'true');
  await expect(steps).toContainText('“Customer will decide by email”: 5');
  await expect(steps).toContainText('Reached by 6 people. Skipped 5 times.');

  // Markup in a pack's titles and in a reason is shown as text, never run.
  const hostile = page.getByRole('region', { name: HOSTILE_TITLE, exact: true });
  await expect(hostile.getByRole('heading', { level: 2 })).toHaveText(HOSTILE_TITLE);
  await expect(hostile.locator('.meta')).toContainText('<i>Hostile</i> pack (hostile)');
  const hostileSteps = hostile.getByRole('table', { name: /^Steps of/ });
  const amount = hostileSteps.getByRole('button', { name: /Check the amount/ });
  await expect(amount).toHaveText(`▸1. ${HOSTILE_STEP}`);
  await amount.click();
  await expect(hostileSteps).toContainText(`“${HOSTILE_REASON}”: 5`);
  await expect(hostile.locator('img, b, i, script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

  await page.screenshot({ path: 'test-results/hub-insights-full.png', fullPage: true });
  expect(seriousViolations(await new AxeBuilder({ page }).analyze())).toEqual([]);

  // The CSV holds what is shown.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download what is shown (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^inflow-fleet-insights-.*\.csv$/);
  const csvText = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
  const rows = Papa.parse<string[]>(csvText, { header: true, skipEmptyLines: true })
    .data as unknown as Record<string, string>[];
  const save = rows.find((r) => r['aid title'] === 'New contact' && r.step === 'save')!;
  expect(save.people).toBe('fewer than 5');
  const consent = rows.find((r) => r['aid title'] === 'New contact' && r.step === 'consent')!;
  expect([consent.people, consent.skipped, consent['top skip reasons']]).toEqual([
    '6',
    '5',
    'Customer will decide by email (5)',
  ]);

  // Filters, with the keyboard: the care team alone is four people, so all is hidden.
  const team = page.getByLabel('Team');
  await tabTo(page, team);
  await page.keyboard.press('ArrowDown'); // billing
  await page.keyboard.press('ArrowDown'); // care
  await expect(team).toHaveValue('care');
  await expect(contact.locator('.hidden-aid')).toHaveText('fewer than 5 people');
  await team.selectOption('');
  await expect(figure(contact, 'People')).toHaveText('6');

  // 320 px wide: nothing sticks out of the page; wide tables scroll in their own box.
  await page.setViewportSize({ width: 320, height: 800 });
  // The steps tables scroll sideways: each is then a named region keyboard users can reach.
  await expect(
    page.getByRole('region', { name: /^Steps of “New contact”/ }).and(page.locator('.table-wrap')),
  ).toHaveAttribute('tabindex', '0');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(320);
  expect(seriousViolations(await new AxeBuilder({ page }).analyze())).toEqual([]);
  await contact.getByRole('heading', { level: 2 }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/hub-insights-320.png' });

  // Another view by its link: its heading takes the focus, the address says where.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('link', { name: 'Versions' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Versions' })).toBeFocused();
  expect(new URL(page.url()).hash).toBe('#/versions');
  await expect(page.getByRole('link', { name: 'Versions' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  expect(seriousViolations(await new AxeBuilder({ page }).analyze())).toEqual([]);

  // The other views: each opens on its heading and passes axe.
  for (const view of ['Health', 'Touchpoints']) {
    await page.getByRole('link', { name: view }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: view })).toBeFocused();
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    expect(seriousViolations(await new AxeBuilder({ page }).analyze()), view).toEqual([]);
  }

  // Sign out with the keyboard: back to the form; the API answers 401 again.
  const signOut = page.getByRole('button', { name: 'Sign out' });
  await signOut.focus();
  await page.keyboard.press('Enter');
  await expect(signIn).toBeVisible();
  await expect(page.getByText('You are signed out.')).toBeVisible();
  const after = await page.evaluate(async () => (await fetch('/api/insights/summary')).status);
  expect(after).toBe(401);
  expect(cspErrors).toEqual([]);
  await context.close();
});

test('the screenshot of the fleet Insights for the guide', async () => {
  const context = await browser.newContext({
    viewport: { width: 1200, height: 1500 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  await page.goto(hub.url('/#/insights'));
  await page.getByLabel('Name').fill('ann');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The sample CRM alone, as an author would look at one app.
  await page.getByLabel('App').selectOption(CRM);
  await expect(page.getByRole('region', { name: HOSTILE_TITLE, exact: true })).toHaveCount(0);
  const contact = page.getByRole('region', { name: 'New contact', exact: true });
  await expect(contact.locator('.chart canvas')).toHaveCount(1);
  await contact.getByRole('button', { name: /3\. Record consent/ }).click();
  await page.mouse.move(0, 0);
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const path =
    process.env.INFLOW_DOCS_IMAGES === '1'
      ? DOCS_SCREENSHOT
      : test.info().outputPath('hub-insights.png');
  await page.screenshot({ path });
  await context.close();
});
