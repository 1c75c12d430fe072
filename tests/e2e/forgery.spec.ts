/**
 * Records only people make. The overlay's shadow root is open, so the app's own scripts can
 * reach every control in it. What they do there (click, submit, focus, set or insert text,
 * click a step's target) must record nothing: no progress, no events, no feedback. The same
 * actions by a person (Playwright's input is the browser's trusted input) are recorded, so
 * these tests can fail.
 */
import type { BrowserContext, Page, Worker } from '@playwright/test';
import {
  beacon,
  bubble,
  checklist,
  events,
  expect,
  panel,
  readStore,
  step,
  stepBox,
  test,
  waitForStore,
} from './fixtures';

const PACK = 'forgery';
const KEY = `${PACK}/close-call`;
const TIP_KEY = `${PACK}/cases-tip`;
const TITLE = 'Close the call';
const TICK = 'Read the closing statement to the caller.';
const SKIP = 'Offer the satisfaction survey.';
const SEARCH = 'Search for the caller’s other contacts.';
const TIP = 'Open cases';
/** What a hostile page would like staff to have said. */
const FORGED = 'refund approved by supervisor';

/** Step and tip event types: what only a person's action may record. */
const PERSON_EVENTS = new Set([
  'step_done',
  'step_skipped',
  'step_undone',
  'checklist_completed',
  'aid_feedback',
  'tip_opened',
  'aid_dismissed',
]);

const pack = {
  format: 1,
  id: PACK,
  version: '1.0.0',
  title: 'Forgery checks',
  aids: [
    {
      id: 'close-call',
      kind: 'checklist',
      title: TITLE,
      match: { urls: ['*://crm.localhost:*/'] },
      steps: [
        { id: 'tick', text: TICK },
        { id: 'skip', text: SKIP },
        {
          id: 'search',
          text: SEARCH,
          done: { type: 'clicked', target: { css: '#global-search' } },
        },
      ],
    },
    {
      id: 'cases-tip',
      kind: 'tip',
      title: TIP,
      match: { urls: ['*://crm.localhost:*/'] },
      target: { css: 'a[data-nav="/cases"]' },
      text: 'Cases opened for this caller are listed here.',
    },
  ],
};

/** Installs the pack as an author's import does (the background's authoring.import). */
async function install(context: BrowserContext, extensionId: string) {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const answer = await options.evaluate((text) => {
    type Runtime = { sendMessage(message: unknown): Promise<unknown> };
    const { runtime } = (globalThis as unknown as { chrome: { runtime: Runtime } }).chrome;
    return runtime.sendMessage({ type: 'authoring.import', text });
  }, JSON.stringify(pack));
  expect(answer, 'the pack installs').toMatchObject({ ok: true, packId: PACK });
  await options.close();
}

async function openCalls(page: Page, origin: string) {
  await page.goto(`${origin}/`);
  const list = checklist(page, TITLE);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(beacon(page, TIP)).toBeVisible();
  return list;
}

/**
 * Runs `script` as the page's own script (the main world, where the app's code runs) with
 * the overlay's shadow root and a finder for its buttons by their text or label.
 */
function asPage(page: Page, script: string): Promise<void> {
  return page.evaluate((body) => {
    const root = document.querySelector('inflow-overlay')?.shadowRoot;
    if (!root) throw new Error('the page cannot see the overlay');
    const button = (name: string) =>
      [...root.querySelectorAll('button')].find(
        (b) => b.getAttribute('aria-label') === name || b.textContent?.trim() === name,
      ) ?? null;
    // A hostile script, in the page's own world.
    new Function('root', 'button', body)(root, button);
  }, script);
}

/** What only a person may record, as stored: events and progress of the pack's aids. */
async function personRecords(sw: Worker) {
  const all = await events(sw);
  return {
    events: all.filter((e) => PERSON_EVENTS.has(e.type)).map((e) => `${e.type} ${e.stepId ?? ''}`),
    progress: (await readStore(sw, 'progress')).filter((p) => p.aidKey.startsWith(`${PACK}/`)),
    compact: (await readStore(sw, 'settings')).filter((s) => s.key === 'panelCompact'),
  };
}

const NOTHING = { events: [], progress: [], compact: [] };

/** Lets anything the page's script set off reach the store before asserting nothing did. */
async function settle(page: Page, sw: Worker) {
  await page.waitForTimeout(800);
  // The overlay's own events still flow: aid_shown is recorded as the checklist shows.
  await waitForStore(sw, 'events', { type: 'aid_shown', aidKey: KEY });
}

test('the page’s own script can tick, skip, undo, report and click nothing into the record', async ({
  page,
  context,
  extensionId,
  appServer,
  serviceWorker,
}) => {
  await install(context, extensionId);
  const list = await openCalls(page, appServer.origin('crm'));

  // Everything a script can reach: clicks, labels, change events, submits, focus, hover.
  await asPage(
    page,
    `
    const [tick, skip] = root.querySelectorAll('input[type=checkbox]');
    tick.click();
    tick.labels[0].click();
    skip.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    skip.dispatchEvent(new Event('change', { bubbles: true }));
    button(${JSON.stringify(`Skip: ${SKIP}`)}).click();
    button('Report a problem').click();
    button('Compact view').click();
    button(${JSON.stringify(`Tip: ${TIP}`)}).focus();
    button(${JSON.stringify(`Tip: ${TIP}`)}).dispatchEvent(new MouseEvent('mouseenter'));
    button(${JSON.stringify(`Tip: ${TIP}`)}).click();
    // The "clicked" step's target, clicked by script.
    const search = document.getElementById('global-search');
    search.click();
    search.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
  `,
  );
  await settle(page, serviceWorker);

  // What a person sees: nothing done, no form, no tip open, the panel as it was.
  await expect(stepBox(list, TICK)).not.toBeChecked();
  await expect(stepBox(list, SKIP)).not.toBeChecked();
  await expect(stepBox(list, SEARCH)).not.toBeChecked();
  await expect(list).toContainText('0 of 3 done');
  await expect(list.locator('form')).toHaveCount(0);
  await expect(list.getByRole('textbox')).toHaveCount(0);
  await expect(bubble(page, TIP)).toHaveCount(0);
  await expect(panel(page)).not.toHaveClass(/compact/);
  expect(await personRecords(serviceWorker)).toEqual(NOTHING);

  // A person opens the forms; the script submits them with its own words.
  await step(list, SKIP)
    .getByRole('button', { name: `Skip: ${SKIP}` })
    .click();
  const reason = list.getByRole('textbox', { name: 'Reason for skipping (optional)' });
  await expect(reason).toBeFocused();
  await list.getByRole('button', { name: 'Report a problem' }).click();
  const comment = list.getByRole('textbox', { name: 'What is wrong? (optional)' });
  await expect(comment).toBeFocused();
  await asPage(
    page,
    `
    const [reason, comment] = root.querySelectorAll('input[type=text], textarea');
    reason.value = 'customer declined';
    comment.value = ${JSON.stringify(FORGED)};
    comment.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
    button('Skip step').click();
    button('Send').click();
    for (const form of root.querySelectorAll('form')) {
      form.requestSubmit();
      form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
    // execCommand makes a trusted input event: still not the person's typing.
    comment.focus();
    document.execCommand('insertText', false, ' and signed off');
  `,
  );
  await settle(page, serviceWorker);
  expect(await personRecords(serviceWorker)).toEqual(NOTHING);
  // Edits that no person's typing announced are undone at once.
  await expect(comment).toHaveValue('');
  await expect(list).toContainText('0 of 3 done');
  await step(list, SKIP).getByRole('button', { name: 'Cancel' }).click();
  await list.getByRole('button', { name: 'Cancel' }).click();
  await expect(list.locator('form')).toHaveCount(0);

  // The same actions by a person are recorded.
  await stepBox(list, TICK).click();
  await step(list, SKIP)
    .getByRole('button', { name: `Skip: ${SKIP}` })
    .click();
  await reason.fill('customer in a hurry');
  await reason.press('Enter');
  await page.locator('#global-search').click();
  await expect(stepBox(list, SEARCH)).toBeChecked();
  await beacon(page, TIP).hover();
  await expect(bubble(page, TIP)).toBeVisible();
  await waitForStore(serviceWorker, 'events', { type: 'step_done', stepId: 'tick', how: 'manual' });
  await waitForStore(serviceWorker, 'events', {
    type: 'step_skipped',
    stepId: 'skip',
    reason: 'customer in a hurry',
  });
  await waitForStore(serviceWorker, 'events', { type: 'step_done', stepId: 'search', how: 'auto' });
  await waitForStore(serviceWorker, 'events', { type: 'checklist_completed', aidKey: KEY });
  await waitForStore(serviceWorker, 'events', { type: 'tip_opened', aidKey: TIP_KEY });
  await waitForStore(serviceWorker, 'progress', {
    aidKey: KEY,
    steps: { tick: { state: 'done' }, skip: { state: 'skipped' }, search: { state: 'done' } },
  });
  await page.mouse.move(2, 2);

  // Now the script tries to undo what the person did: nothing changes.
  const before = await personRecords(serviceWorker);
  await asPage(
    page,
    `
    root.querySelector('input[type=checkbox]').click();
    button('Undo skip')?.click();
    button('Start again')?.click();
  `,
  );
  await settle(page, serviceWorker);
  await expect(stepBox(list, TICK)).toBeChecked();
  await expect(step(list, SKIP)).toContainText('Skipped: customer in a hurry');
  expect(await personRecords(serviceWorker)).toEqual(before);
  expect(before.events).not.toContain('step_undone tick');

  // And the person can: unticking and undoing the skip are recorded.
  await stepBox(list, TICK).click();
  await step(list, SKIP).getByRole('button', { name: 'Undo skip' }).click();
  await waitForStore(serviceWorker, 'events', { type: 'step_undone', stepId: 'tick' });
  await waitForStore(serviceWorker, 'events', { type: 'step_undone', stepId: 'skip' });
});

test('feedback keeps only the words the person typed, with the keyboard too', async ({
  page,
  context,
  extensionId,
  appServer,
  serviceWorker,
}) => {
  await install(context, extensionId);
  const list = await openCalls(page, appServer.origin('crm'));
  const report = list.getByRole('button', { name: 'Report a problem' });
  await report.focus();
  // Enter on a focused button is a person's click.
  await page.keyboard.press('Enter');
  const comment = list.getByRole('textbox', { name: 'What is wrong? (optional)' });
  await expect(comment).toBeFocused();
  await page.keyboard.type('Step 2 is out of date');
  // The script adds its words to the person's, silently.
  await asPage(page, `root.querySelector('textarea').value += ${JSON.stringify(`: ${FORGED}`)};`);
  await list.getByRole('button', { name: 'Send' }).click();
  await expect(list).toContainText('The page changed your comment');
  await expect(comment).toHaveValue('Step 2 is out of date');
  await settle(page, serviceWorker);
  expect(await events(serviceWorker, 'aid_feedback')).toEqual([]);

  // What the person sends after seeing their own words again is theirs alone.
  await comment.press('End');
  await page.keyboard.type('.');
  await comment.press('Tab');
  await page.keyboard.press('Enter');
  const stored = await waitForStore(serviceWorker, 'events', { type: 'aid_feedback' });
  expect(stored).toMatchObject({ aidKey: KEY, comment: 'Step 2 is out of date.' });
  expect(await events(serviceWorker, 'aid_feedback')).toHaveLength(1);
});
