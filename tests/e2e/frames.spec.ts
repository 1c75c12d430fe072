/**
 * Targets in iframes: a checklist in the top frame follows fields in a same-origin frame, an
 * inline (srcdoc) frame and a frame of another site; each step ticks itself when its field
 * is filled and is recorded once. A tip addressed to a field in a frame shows next to it in
 * that frame. A page with frames and no aids loads nothing in any of them.
 */
import type { FrameLocator, Page, Worker } from '@playwright/test';
import {
  beacon,
  checklist,
  events,
  expect,
  extensionWorlds,
  overlay,
  step,
  stepBox,
  test,
  waitForStore,
} from './fixtures';

const PACK = 'harbour-bank-frames';
const CHECKLIST = { key: `${PACK}/open-account`, title: 'Open an account' };
const TIP = { key: `${PACK}/postcode-tip`, title: 'Postcode format' };
const STEPS = ['account-ref', 'customer-name', 'notes', 'postcode'];

const details = (page: Page) => page.frameLocator('iframe[title="Customer details"]');
const notes = (page: Page) => page.frameLocator('iframe[title="Notes"]');
const lookup = (page: Page) => page.frameLocator('iframe[title="Address lookup"]');

interface SeenLookup {
  type: string;
  url?: string;
  frameId?: number;
}

/**
 * Starts noting every lookup the background receives (page.lookup and frame.lookup), with
 * the sender's frame as the browser names it. A second listener that never answers.
 */
async function noteLookups(sw: Worker): Promise<() => Promise<SeenLookup[]>> {
  await sw.evaluate(() => {
    type Listener = (m: { type?: unknown }, s: { url?: string; frameId?: number }) => undefined;
    const g = globalThis as unknown as {
      seenLookups?: unknown[];
      chrome: { runtime: { onMessage: { addListener(l: Listener): void } } };
    };
    g.seenLookups = [];
    g.chrome.runtime.onMessage.addListener((m, s) => {
      if (typeof m?.type === 'string' && m.type.endsWith('.lookup')) {
        g.seenLookups!.push({ type: m.type, url: s.url, frameId: s.frameId });
      }
      return undefined;
    });
  });
  return () =>
    sw.evaluate(() => (globalThis as unknown as { seenLookups: SeenLookup[] }).seenLookups);
}

/** The overlay element inside a frame (the locator pierces its open shadow root). */
const frameOverlay = (frame: FrameLocator) => frame.locator('inflow-overlay');

test('a checklist follows fields in a same-origin, a srcdoc and a cross-origin frame', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const seen = await noteLookups(serviceWorker);
  const top = `${appServer.origin('frames')}/`;
  await page.goto(top);
  const list = checklist(page, CHECKLIST.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  const boxes = {
    ref: stepBox(list, /Account reference/),
    name: stepBox(list, /Customer name/),
    notes: stepBox(list, /Notes/),
    postcode: stepBox(list, /Postcode/),
  };
  for (const box of Object.values(boxes)) await expect(box).not.toBeChecked();

  // Every frame ran the overlay and asked what concerns it, by the browser's own account.
  await expect
    .poll(async () => (await seen()).filter((l) => l.type === 'frame.lookup').map((l) => l.url))
    .toEqual(
      expect.arrayContaining([
        `${appServer.origin('frames')}/details.html`,
        'about:srcdoc',
        `${appServer.origin('framed')}/lookup.html`,
      ]),
    );

  // Once the page has settled (1.5 s), no step is reported missing: each frame found its own.
  await page.waitForTimeout(2_500);
  await expect(list.getByText('Not found on this page')).toHaveCount(0);
  // The "Show" button belongs to elements on this page only; framed steps still can be skipped.
  await expect(step(list, /Customer name/).getByRole('button', { name: /^Skip/ })).toBeVisible();

  await page
    .getByRole('textbox', { name: 'Account reference', exact: true })
    .pressSequentially('ACC-2041', { delay: 10 });
  await expect(boxes.ref).toBeChecked();

  await details(page)
    .getByRole('textbox', { name: 'Customer name', exact: true })
    .pressSequentially('Ada Lovelace', { delay: 10 });
  await expect(boxes.name).toBeChecked();
  await expect(step(list, /Customer name/)).toContainText('Done automatically');

  await notes(page)
    .getByRole('textbox', { name: 'Notes', exact: true })
    .pressSequentially('Passport seen', { delay: 10 });
  await expect(boxes.notes).toBeChecked();

  await expect(boxes.postcode).not.toBeChecked();
  await lookup(page)
    .getByRole('textbox', { name: 'Postcode', exact: true })
    .pressSequentially('SW1A 1AA', { delay: 10 });
  await expect(boxes.postcode).toBeChecked();
  await expect(list).toContainText('4 of 4 done');
  await expect(list).toContainText('Checklist complete');

  // The store: one step_done per step, done automatically, recorded against the top page.
  await waitForStore(serviceWorker, 'events', {
    type: 'checklist_completed',
    aidKey: CHECKLIST.key,
  });
  // Let any late duplicate from a frame arrive before counting.
  await page.waitForTimeout(1_000);
  const done = (await events(serviceWorker, 'step_done')).filter((e) => e.aidKey === CHECKLIST.key);
  expect(done.map((e) => e.stepId).sort()).toEqual([...STEPS].sort());
  expect(done.every((e) => e.how === 'auto' && e.url === top)).toBe(true);
  expect(await events(serviceWorker, 'target_missing')).toEqual([]);
  const progress = await waitForStore(serviceWorker, 'progress', CHECKLIST.key);
  expect(Object.keys(progress.steps).sort()).toEqual([...STEPS].sort());

  // One checklist panel, in the top frame; none in the frames that only report.
  await expect(overlay(page).getByRole('complementary', { name: 'Inflow' })).toHaveCount(1);
  await expect(frameOverlay(details(page))).toHaveCount(0);
  await expect(frameOverlay(notes(page))).toHaveCount(0);
  await expect(frameOverlay(lookup(page)).getByRole('complementary')).toHaveCount(0);
});

test('a tip addressed to a field in a cross-origin frame shows next to it, in that frame', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const top = `${appServer.origin('frames')}/`;
  await page.goto(top);
  const frame = lookup(page);
  const tip = frameOverlay(frame).getByRole('button', { name: `Tip: ${TIP.title}`, exact: true });
  await expect(tip).toBeVisible({ timeout: 10_000 });
  // Not in the top frame: the top page only holds the checklist.
  await expect(checklist(page, CHECKLIST.title)).toBeVisible();
  await expect(beacon(page, TIP.title)).toHaveCount(0);

  // Next to the field (both boxes are in page coordinates).
  const field = frame.getByRole('textbox', { name: 'Postcode', exact: true });
  const f = (await field.boundingBox())!;
  const b = (await tip.boundingBox())!;
  const gapX = Math.max(0, b.x - (f.x + f.width), f.x - (b.x + b.width));
  const gapY = Math.max(0, b.y - (f.y + f.height), f.y - (b.y + b.height));
  expect(
    Math.hypot(gapX, gapY),
    `beacon ${JSON.stringify(b)} field ${JSON.stringify(f)}`,
  ).toBeLessThan(48);
  expect(b.x).toBeGreaterThan(f.x + f.width - 1); // placement "right"

  await tip.hover();
  const dialog = frameOverlay(frame).getByRole('dialog', { name: `Tip: ${TIP.title}` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('SW1A 1AA');
  const opened = await waitForStore(serviceWorker, 'events', {
    type: 'tip_opened',
    aidKey: TIP.key,
  });
  // Recorded against the page the person is on, not the embedded tool.
  expect(opened.url).toBe(top);
  const shown = (await events(serviceWorker, 'aid_shown')).filter((e) => e.aidKey === TIP.key);
  expect(shown).toHaveLength(1);
});

test('a page with frames and no aids loads nothing in any frame', async ({
  page,
  appServer,
  extensionId,
  serviceWorker,
}) => {
  const seen = await noteLookups(serviceWorker);
  // A host no aid names, served by the test itself: a same-origin frame, a srcdoc frame and
  // a frame of another site without aids.
  const origin = `http://noaids.localhost:${appServer.port}`;
  const html = (body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No aids</title></head><body>${body}</body></html>`;
  await page.route(`${origin}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const body =
      path === '/inner'
        ? html('<label for="x">Inner field</label><input id="x">')
        : html(
            `<h1>No aids here</h1>
             <iframe title="Inner" src="/inner"></iframe>
             <iframe title="Inline" srcdoc="<label for=y>Inline field</label><input id=y>"></iframe>
             <iframe title="Other site" src="${appServer.origin('plain')}/"></iframe>`,
          );
    return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body });
  });
  await page.goto(`${origin}/`);
  await expect(page.getByRole('heading', { name: 'No aids here' })).toBeVisible();
  await expect(page.frameLocator('iframe[title="Inner"]').getByLabel('Inner field')).toBeVisible();
  await expect(
    page.frameLocator('iframe[title="Inline"]').getByLabel('Inline field'),
  ).toBeVisible();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1_000);

  expect(page.frames()).toHaveLength(4);
  for (const frame of page.frames()) {
    expect(await frame.locator('inflow-overlay').count(), frame.url()).toBe(0);
  }
  expect(await extensionWorlds(page, extensionId)).toEqual([]);
  expect(await seen()).toEqual([]);
  expect(await events(serviceWorker)).toEqual([]);
});

test('when a frame goes away, its steps are no longer found', async ({ page, appServer }) => {
  await page.goto(`${appServer.origin('frames')}/`);
  const list = checklist(page, CHECKLIST.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await page.waitForTimeout(2_000);
  await expect(list.getByText('Not found on this page')).toHaveCount(0);

  // The frame's page is unloaded: it withdraws what it reported.
  await page.evaluate(() => document.getElementById('details-frame')?.remove());
  await expect(step(list, /Customer name/)).toContainText('Not found on this page');
  await expect(step(list, /Notes/)).not.toContainText('Not found on this page');

  // A frame that navigates elsewhere does too; coming back, it reports again.
  const notesFrame = await page.evaluate(() => {
    const frame = document.getElementById('notes-frame') as HTMLIFrameElement;
    const before = frame.srcdoc;
    frame.srcdoc = '<p>Loading…</p>';
    return before;
  });
  await expect(step(list, /Notes/)).toContainText('Not found on this page');
  await page.evaluate((html) => {
    (document.getElementById('notes-frame') as HTMLIFrameElement).srcdoc = html;
  }, notesFrame);
  await expect(step(list, /Notes/)).not.toContainText('Not found on this page');
  await notes(page).getByRole('textbox', { name: 'Notes', exact: true }).fill('Seen');
  await expect(stepBox(list, /Notes/)).toBeChecked();
});

test('after a client-side navigation of the top page, the frames report to the new session', async ({
  page,
  appServer,
}) => {
  await page.goto(`${appServer.origin('frames')}/`);
  const list = checklist(page, CHECKLIST.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await details(page)
    .getByRole('textbox', { name: 'Customer name', exact: true })
    .pressSequentially('Ada', { delay: 10 });
  await expect(stepBox(list, /Customer name/)).toBeChecked();

  // Same screen, new URL: a new session starts, and the frames (unchanged) report again.
  await page.evaluate(() => history.pushState({}, '', '/?tab=2'));
  await expect(list).toBeVisible();
  await page.waitForTimeout(2_500);
  await expect(list.getByText('Not found on this page')).toHaveCount(0);
  await expect(stepBox(list, /Customer name/)).toBeChecked();
  await lookup(page)
    .getByRole('textbox', { name: 'Postcode', exact: true })
    .pressSequentially('SW1A 1AA', { delay: 10 });
  await expect(stepBox(list, /Postcode/)).toBeChecked();
});
