/**
 * Tips: a beacon next to the field; hover or focus opens the bubble, Escape closes it,
 * "Dismiss tip" removes it for good. Focus never leaves the field the person is typing in.
 */
import type { Page } from '@playwright/test';
import { beacon, bubble, expect, keyboardFocus, test, waitForStore } from './fixtures';
import { EMAIL_TIP, NEW_CONTACT } from './packs';

const emailField = (page: Page) =>
  page
    .getByRole('form', { name: 'New contact' })
    .getByRole('textbox', { name: 'Email', exact: true });

test('a tip sits next to its field and opens on hover without taking focus', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const crm = appServer.origin('crm');
  await page.goto(`${crm}/contacts/new`);
  const tip = beacon(page, EMAIL_TIP.title);
  const dialog = bubble(page, EMAIL_TIP.title);
  await expect(tip).toBeVisible({ timeout: 10_000 });
  await expect(dialog).toHaveCount(0);

  // Next to the field: the gap between the two boxes is small.
  const f = (await emailField(page).boundingBox())!;
  const b = (await tip.boundingBox())!;
  const gapX = Math.max(0, b.x - (f.x + f.width), f.x - (b.x + b.width));
  const gapY = Math.max(0, b.y - (f.y + f.height), f.y - (b.y + b.height));
  expect(
    Math.hypot(gapX, gapY),
    `beacon ${JSON.stringify(b)} field ${JSON.stringify(f)}`,
  ).toBeLessThan(48);

  // Typing in the field, the person points at the beacon.
  await emailField(page).click();
  await page.keyboard.type('ada', { delay: 30 });
  await tip.hover();
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(EMAIL_TIP.text);
  await expect(dialog.getByRole('button', { name: 'Dismiss tip' })).toBeVisible();
  await expect(emailField(page)).toBeFocused();
  const opened = await waitForStore(serviceWorker, 'events', {
    type: 'tip_opened',
    aidKey: EMAIL_TIP.key,
  });
  expect(opened.url).toBe(`${crm}/contacts/new`);

  // Escape closes it; the field keeps focus and typing carries on.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(emailField(page)).toBeFocused();
  await page.keyboard.type('@example.com', { delay: 20 });
  await expect(emailField(page)).toHaveValue('ada@example.com');
  await expect(tip).toBeVisible();
});

test('a tip opens when its beacon gets keyboard focus and closes on Escape', async ({
  page,
  appServer,
}) => {
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  const tip = beacon(page, EMAIL_TIP.title);
  const dialog = bubble(page, EMAIL_TIP.title);
  await expect(tip).toBeVisible({ timeout: 10_000 });

  await keyboardFocus(page, tip);
  await expect(dialog).toBeVisible();
  await expect(tip).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(tip).toHaveAttribute('aria-expanded', 'false');
  await expect(tip).toBeFocused();
});

test('"Dismiss tip" removes the tip, stores it, and it stays gone after a reload', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  const tip = beacon(page, EMAIL_TIP.title);
  const dialog = bubble(page, EMAIL_TIP.title);
  await expect(tip).toBeVisible({ timeout: 10_000 });

  await tip.hover();
  await dialog.getByRole('button', { name: 'Dismiss tip' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(tip).toHaveCount(0);
  await waitForStore(serviceWorker, 'events', { type: 'aid_dismissed', aidKey: EMAIL_TIP.key });
  await waitForStore(
    serviceWorker,
    'progress',
    (p) => p.aidKey === EMAIL_TIP.key && !!p.dismissedAt,
  );

  await page.reload();
  // The other tips and the checklist are back; this one is not.
  await expect(beacon(page, 'Phone number format')).toBeVisible({ timeout: 10_000 });
  await expect(
    page.locator('inflow-overlay').getByRole('region', { name: NEW_CONTACT.title }),
  ).toBeVisible();
  await expect(tip).toHaveCount(0);
});
