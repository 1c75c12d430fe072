/**
 * The sample portal is a classic multi-page site: every link is a full page load. The
 * overlay comes back on each page; leaving the form unfinished for another page starts a new
 * run when the form opens again (docs/authoring.md, "Runs").
 */
import { checklist, events, expect, step, stepBox, test, waitForStore } from './fixtures';
import { SUPPORT_REQUEST } from './packs';

const S = SUPPORT_REQUEST.steps;

test('the support checklist appears after a page load; left for another page, it starts over', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const portal = appServer.origin('portal');
  await page.goto(`${portal}/`);
  const main = page.getByRole('navigation', { name: 'Main' });
  const list = checklist(page, SUPPORT_REQUEST.title);

  await main.getByRole('link', { name: 'Help' }).click();
  await expect(page).toHaveURL(`${portal}/support/new`);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(stepBox(list, S.accountNumber.text)).not.toBeChecked();

  await page.getByRole('textbox', { name: 'Account number' }).fill('1234 567 890');
  await expect(stepBox(list, S.accountNumber.text)).toBeChecked();
  await waitForStore(serviceWorker, 'events', {
    type: 'step_done',
    aidKey: SUPPORT_REQUEST.key,
    stepId: S.accountNumber.id,
    url: `${portal}/support/new`,
  });

  // Away and back, each a full page load (the marker does not survive one).
  await page.evaluate(() => {
    (window as unknown as { sameDocument: boolean }).sameDocument = true;
  });
  await main.getByRole('link', { name: 'Home' }).click();
  await expect(page).toHaveURL(`${portal}/`);
  await expect(list).toHaveCount(0);
  await main.getByRole('link', { name: 'Help' }).click();
  await expect(page).toHaveURL(`${portal}/support/new`);
  expect(
    await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
  ).toBeUndefined();

  await expect(list).toBeVisible({ timeout: 10_000 });
  // A fresh form, and a checklist to match: the last run was left unfinished.
  await expect(page.getByRole('textbox', { name: 'Account number' })).toHaveValue('');
  await expect(list).toContainText('New run: the last one was left unfinished');
  await expect(stepBox(list, S.accountNumber.text)).not.toBeChecked();
  await expect(stepBox(list, S.topic.text)).not.toBeChecked();
  const abandoned = await events(serviceWorker, 'run_abandoned');
  expect(abandoned.map((e) => [e.aidKey, e.url])).toEqual([
    [SUPPORT_REQUEST.key, `${portal}/support/new`],
  ]);

  // The same run survives a full page load of the form itself (a reload).
  await page.getByRole('textbox', { name: 'Account number' }).fill('1234 567 890');
  await expect(stepBox(list, S.accountNumber.text)).toBeChecked();
  await waitForStore(serviceWorker, 'progress', {
    aidKey: SUPPORT_REQUEST.key,
    steps: { [S.accountNumber.id]: { state: 'done' } },
  });
  await page.reload();
  await expect(stepBox(list, S.accountNumber.text)).toBeChecked({ timeout: 10_000 });
  await expect(step(list, S.accountNumber.text)).toContainText('Done automatically');
  await expect(list).not.toContainText('New run');
  expect(await events(serviceWorker, 'run_abandoned')).toHaveLength(1);
});
