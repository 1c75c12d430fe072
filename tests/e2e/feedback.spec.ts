/**
 * "Report a problem": staff tell an aid's authors that it is wrong or out of date, from the
 * checklist panel and from a tip, with the keyboard alone; the background stores their words
 * as an aid_feedback event; the form passes axe on the sample CRM and on the hostile page.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { seriousViolations } from './axe';
import {
  beacon,
  bubble,
  checklist,
  events,
  expect,
  keyboardFocus,
  liveStatus,
  readStore,
  tabTo,
  test,
  waitForStore,
} from './fixtures';
import { EMAIL_TIP, NEW_CONTACT } from './packs';

const THANKS = 'Thanks — the authors will see this.';
const HANDOVER = { key: 'legacy-intranet/handover-note', title: 'Shift handover note' };

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

const overlayAxe = async (page: Page) =>
  seriousViolations(await new AxeBuilder({ page }).include('inflow-overlay').analyze());

test('on the CRM, a problem with the checklist is reported with the keyboard alone', async ({
  page,
  appServer,
  serviceWorker,
}, testInfo) => {
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await waitForStore(serviceWorker, 'events', { type: 'aid_shown', aidKey: NEW_CONTACT.key });

  const report = list.getByRole('button', { name: 'Report a problem' });
  await expect(report).toHaveAttribute('aria-expanded', 'false');
  // The panel is the last thing in the page: from the top, backwards.
  await page.locator('body').focus();
  await tabTo(page, report, 'Shift+Tab');

  // Escape cancels: nothing is recorded, focus is back on the button.
  await page.keyboard.press('Enter');
  const form = list.getByRole('form', { name: `Report a problem: ${NEW_CONTACT.title}` });
  const comment = form.getByRole('textbox', { name: 'What is wrong? (optional)' });
  await expect(comment).toBeFocused();
  await expect(report).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.type('Never mind');
  await page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);
  await expect(report).toBeFocused();

  // Open again, write, and send.
  await page.keyboard.press('Enter');
  await expect(comment).toBeFocused();
  await expect(comment).toHaveValue('');
  const words = 'Step 3 quotes the old consent wording; the form now says <b>"may we call"</b>.';
  await page.keyboard.type(words);
  await expect(form).toContainText(`${words.length} of 1000 characters`);
  expect(await overlayAxe(page), 'overlay: feedback form open').toEqual([]);
  await shoot(page, testInfo, 'feedback-crm.png');

  await page.keyboard.press('Tab');
  await expect(form.getByRole('button', { name: 'Send' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(form).toHaveCount(0);
  await expect(report).toBeFocused();
  await expect(list).toContainText(THANKS);
  await expect(liveStatus(page)).toHaveText(THANKS);

  const stored = await waitForStore(serviceWorker, 'events', { type: 'aid_feedback' });
  expect(stored).toMatchObject({
    aidKey: NEW_CONTACT.key,
    packId: 'northwind-crm',
    comment: words,
    url: `${appServer.origin('crm')}/contacts/new`,
  });
  expect(stored.stepId).toBeUndefined();
  // Only the one that was sent, and it changed no progress.
  expect(await events(serviceWorker, 'aid_feedback')).toHaveLength(1);
  expect(await readStore(serviceWorker, 'progress')).toEqual([]);
  // The person's words are shown back nowhere as markup.
  await expect(page.locator('inflow-overlay b')).toHaveCount(0);
});

test('a tip offers the same control, and stays open while its form is', async ({
  page,
  appServer,
  serviceWorker,
}, testInfo) => {
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  const tip = beacon(page, EMAIL_TIP.title);
  await expect(tip).toBeVisible({ timeout: 10_000 });
  await keyboardFocus(page, tip);
  const dialog = bubble(page, EMAIL_TIP.title);
  await expect(dialog).toBeVisible();
  const report = dialog.getByRole('button', { name: 'Report a problem' });
  // From the beacon, the bubble's controls come next.
  await tabTo(page, report, 'Tab');
  await page.keyboard.press('Enter');
  const comment = dialog.getByRole('textbox', { name: 'What is wrong? (optional)' });
  await expect(comment).toBeFocused();
  await page.keyboard.type('Says .co.uk but our customers are on .com');
  expect(await overlayAxe(page), 'overlay: feedback form in a tip').toEqual([]);
  await shoot(page, testInfo, 'feedback-tip.png');
  // The pointer leaving does not close a tip with an open form; Escape closes the form only.
  await page.mouse.move(2, 2);
  await page.waitForTimeout(600);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await expect(comment).toHaveCount(0);
  await expect(report).toBeFocused();

  // Sent without a comment: the report alone says the tip is wrong. The form opens with the
  // focus in its comment box; Tab goes on from there.
  await page.keyboard.press('Enter');
  await expect(comment).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(dialog).toContainText(THANKS);
  const stored = await waitForStore(serviceWorker, 'events', { type: 'aid_feedback' });
  expect(stored.aidKey).toBe(EMAIL_TIP.key);
  expect(stored).not.toHaveProperty('comment');
});

test('on the hostile page the control is legible, reachable and recorded', async ({
  page,
  appServer,
  serviceWorker,
}, testInfo) => {
  await page.goto(`${appServer.origin('hostile')}/`);
  const list = checklist(page, HANDOVER.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  // Let the page's 2 s transitions run out.
  await page.waitForTimeout(2_500);

  const report = list.getByRole('button', { name: 'Report a problem' });
  // The panel is the last thing in the page: from the top, backwards.
  await page.locator('body').focus();
  await tabTo(page, report, 'Shift+Tab');
  await page.keyboard.press('Enter');
  const form = list.getByRole('form', { name: `Report a problem: ${HANDOVER.title}` });
  await expect(form).toBeVisible();
  await page.keyboard.type('The save button moved to the top.');

  // Legible: no text under 12px, and the form is on top of the page.
  const sizes = await form.evaluate((root) =>
    [root, ...root.querySelectorAll('*')]
      .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim()))
      .map((el) => Number.parseFloat(getComputedStyle(el).fontSize)),
  );
  expect(sizes.length).toBeGreaterThan(0);
  expect(sizes.filter((s) => s < 12)).toEqual([]);
  const box = (await form.getByRole('button', { name: 'Send' }).boundingBox())!;
  const top = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x, y)?.tagName.toLowerCase(),
    [box.x + box.width / 2, box.y + box.height / 2] as const,
  );
  expect(top).toBe('inflow-overlay');
  expect(await overlayAxe(page), 'overlay: feedback form open').toEqual([]);
  await shoot(page, testInfo, 'feedback-hostile.png');

  await form.getByRole('button', { name: 'Send' }).press('Enter');
  await expect(list).toContainText(THANKS);
  const stored = await waitForStore(serviceWorker, 'events', { type: 'aid_feedback' });
  expect(stored).toMatchObject({
    aidKey: HANDOVER.key,
    comment: 'The save button moved to the top.',
  });
});
