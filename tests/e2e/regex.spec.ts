/**
 * Patterns of `matches` rules run on a linear-time engine (RE2), loaded only into frames
 * that need it: a person typing a long value into a field watched by patterns that make a
 * backtracking engine take seconds to years (^(a+)+$ and the like) never freezes the page,
 * and a step with an ordinary pattern still ticks itself once its value fits.
 */
import {
  type BrowserContext,
  checklist,
  expect,
  expectDoneAutomatically,
  type Page,
  panel,
  stepBox,
  test,
  type Worker,
} from './fixtures';

const PACK_ID = 'regex-engine';
const TITLE = 'Check the address';
const STEPS = {
  nested: 'The street is only the letter a, nested repeat.',
  alternation: 'The street is only the letter a, alternation.',
  bang: 'The street ends with an exclamation mark.',
  postcode: 'The town is a five-digit code.',
};

/** A checklist on the address lookup page, whose street field is watched by evil patterns. */
const PACK = {
  format: 1,
  id: PACK_ID,
  version: '1.0.0',
  title: 'Regular expressions',
  aids: [
    {
      id: 'address',
      kind: 'checklist',
      title: TITLE,
      match: { urls: ['*://lookup.localhost:*/address.html'] },
      steps: [
        ['nested', '^(a+)+$', 'Street'],
        ['alternation', '^(a|a)+$', 'Street'],
        ['bang', '(\\w|\\d)+!$', 'Street'],
        ['postcode', '^\\d{5}$', 'Town'],
      ].map(([id, pattern, label]) => ({
        id,
        text: STEPS[id as keyof typeof STEPS],
        done: { type: 'matches', target: { label }, pattern },
      })),
    },
  ],
};

/** A checklist on the components app whose fields are in its frames. */
const FRAMED_TITLE = 'Check the call';
const FRAMED = {
  street: 'The street is Park Row.',
  reference: 'The call reference is CR and six digits.',
};
const FRAMED_PACK = {
  ...PACK,
  aids: [
    {
      id: 'call',
      kind: 'checklist',
      title: FRAMED_TITLE,
      match: { urls: ['*://components.localhost:*/'] },
      steps: [
        {
          id: 'street',
          text: FRAMED.street,
          done: {
            type: 'matches',
            target: { label: 'Street', frame: { url: '*://lookup.localhost:*/address.html' } },
            pattern: '(?i)^park\\s+row$',
          },
        },
        {
          id: 'reference',
          text: FRAMED.reference,
          done: {
            type: 'matches',
            target: { label: 'Call reference', frame: { css: "iframe[title='Call reference']" } },
            pattern: '^CR-\\d{6}$',
          },
        },
      ],
    },
  ],
};

/** Installs a pack as an author's import does: the background's authoring.import message. */
async function installPack(context: BrowserContext, extensionId: string, pack: object) {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const answer = await options.evaluate((text) => {
    type Runtime = { sendMessage(message: unknown): Promise<unknown> };
    const { runtime } = (globalThis as unknown as { chrome: { runtime: Runtime } }).chrome;
    return runtime.sendMessage({ type: 'authoring.import', text });
  }, JSON.stringify(pack));
  expect(answer, 'the pack installs').toMatchObject({ ok: true, packId: PACK_ID });
  await options.close();
}

interface ExtensionGlobal {
  chrome: {
    scripting: {
      executeScript(injection: object): Promise<{ frameId: number; result?: unknown }[]>;
    };
    tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
  };
}

/**
 * Whether the regular-expression engine is installed in the top frame of the tab showing
 * `prefix`: asked in the extension's isolated world, where the overlay runs.
 */
async function engineLoaded(sw: Worker, prefix: string): Promise<boolean> {
  return sw.evaluate(async (want) => {
    const { chrome } = globalThis as unknown as ExtensionGlobal;
    const tab = (await chrome.tabs.query({})).find((t) => t.url?.startsWith(want));
    if (tab?.id === undefined) throw new Error(`no tab shows ${want}`);
    const [answer] = await chrome.scripting.executeScript({
      target: { tabId: tab.id, frameIds: [0] },
      func: () =>
        (globalThis as Record<symbol, unknown>)[Symbol.for('inflow.regexEngine')] !== undefined,
    });
    return answer?.result === true;
  }, prefix);
}

/** Each frame of the tab showing `prefix`, by its address: is the engine installed there? */
async function engineByFrame(sw: Worker, prefix: string): Promise<Record<string, boolean>> {
  return sw.evaluate(async (want) => {
    const { chrome } = globalThis as unknown as ExtensionGlobal;
    const tab = (await chrome.tabs.query({})).find((t) => t.url?.startsWith(want));
    if (tab?.id === undefined) throw new Error(`no tab shows ${want}`);
    const answers = await chrome.scripting.executeScript({
      target: { tabId: tab.id, allFrames: true },
      func: () => [
        location.href.replace(/^https?:\/\/|:\d+/g, ''),
        (globalThis as Record<symbol, unknown>)[Symbol.for('inflow.regexEngine')] !== undefined,
      ],
    });
    return Object.fromEntries(answers.map((a) => a.result as [string, boolean]));
  }, prefix);
}

/**
 * Records the durations of the page's long tasks (the browser reports main-thread tasks
 * over 50 ms), from before the page loads. The overlay's work runs on the same thread.
 */
async function watchLongTasks(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

const longTasks = (page: Page) =>
  page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);

const forgetLongTasks = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { __longTasks: number[] }).__longTasks = [];
  });

test('typing 10,000 characters under catastrophic patterns never blocks the page', async ({
  page,
  context,
  appServer,
  serviceWorker,
  extensionId,
}) => {
  test.setTimeout(60_000);
  await installPack(context, extensionId, PACK);
  await watchLongTasks(page);
  const origin = appServer.origin('lookup');
  await page.goto(`${origin}/address.html`);
  const list = checklist(page, TITLE);
  await expect(list).toBeVisible({ timeout: 10_000 });

  // The engine loads and works: an ordinary pattern ticks its step once the value fits.
  const town = page.getByRole('textbox', { name: 'Town', exact: true });
  await town.pressSequentially('1234');
  await town.press('5');
  await expectDoneAutomatically(list, STEPS.postcode);
  expect(await engineLoaded(serviceWorker, origin)).toBe(true);

  // The observer sees a keystroke that blocks the page (or the figure below would prove
  // nothing): the page's own handler busy for 120 ms, once.
  await page.evaluate(() => {
    addEventListener(
      'keydown',
      () => {
        const end = performance.now() + 120;
        while (performance.now() < end);
      },
      { once: true },
    );
  });
  await town.press('End');
  await expect.poll(async () => Math.max(0, ...(await longTasks(page)))).toBeGreaterThan(100);
  // That task and the page's load are not what this measures.
  await forgetLongTasks(page);

  // Up to the bound (2,000 characters) every keystroke is tested against every pattern:
  // a value of a's that ends otherwise is the worst case of a backtracking engine. Keys go
  // 30 ms apart, a fast typist's pace.
  const street = page.getByRole('textbox', { name: 'Street', exact: true });
  await street.fill(`${'a'.repeat(1_980)}b`);
  await street.pressSequentially('aaaaaaaa', { delay: 30 });
  await street.press('!');
  await expectDoneAutomatically(list, STEPS.bang);
  await expect(stepBox(list, STEPS.nested)).not.toBeChecked();
  await expect(stepBox(list, STEPS.alternation)).not.toBeChecked();

  /**
   * The longest task while keys are typed after `prefix`: only the typing is measured, not
   * the fill that puts 10,000 characters in the field at once (the browser's own layout of
   * it). A backtracking pattern blocks every time; a task of the browser's own (a garbage
   * collection on a busy machine) does not, so a round that was clean settles it.
   */
  const typingRound = async (prefix: string, keys: string) => {
    await street.fill(prefix);
    await page.waitForTimeout(300);
    await forgetLongTasks(page);
    await street.pressSequentially(keys, { delay: 30 });
    await street.press('!');
    // Long task entries arrive after their task: give the last ones time to be reported.
    await page.waitForTimeout(500);
    return longTasks(page);
  };
  const attempts: number[][] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    // A 10,000-character value: longer than the bound, so no pattern matches it, not even
    // ^(a+)+$ while it is all a's; and 2,000 ending otherwise, where every pattern is
    // tested on every key and none of the catastrophic ones may match.
    const long = await typingRound('a'.repeat(9_990), 'aaaaaaaaa');
    await expect(street).toHaveValue(`${'a'.repeat(9_999)}!`);
    const atBound = await typingRound(`${'a'.repeat(1_989)}b`, 'aaaaaaa');
    attempts.push([...long, ...atBound]);
    if (long.length === 0 && atBound.length === 0) break;
  }
  await expect(stepBox(list, STEPS.nested)).not.toBeChecked();
  await expect(stepBox(list, STEPS.alternation)).not.toBeChecked();

  const longest = attempts.map((tasks) => Math.max(0, ...tasks));
  console.log(`while typing, the longest task over 50 ms per attempt (0: none): ${longest}`);
  expect(
    Math.min(...longest),
    `long tasks while typing, per attempt: ${JSON.stringify(attempts)}`,
  ).toBeLessThan(50);
});

test('a page whose aids have no matches rule never loads the engine', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  // The bundled pack of the contact-centre console has a checklist and tips, and no pattern.
  const origin = appServer.origin('console');
  await page.goto(`${origin}/`);
  await expect(panel(page)).toBeVisible({ timeout: 10_000 });
  // The lookup and its session are done once the panel shows; give a stray ask time anyway.
  await page.waitForTimeout(500);
  expect(await engineLoaded(serviceWorker, origin)).toBe(false);
});

test('a form nobody has typed in does not load the engine; the first value to test does', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  // The bundled pack of the CRM: New contact's email step is done when the value matches.
  const origin = appServer.origin('crm');
  await page.goto(`${origin}/contacts/new`);
  const list = checklist(page, 'New contact');
  await expect(list).toBeVisible({ timeout: 10_000 });
  await page.waitForTimeout(500);
  expect(await engineLoaded(serviceWorker, origin)).toBe(false);

  const email = page.getByRole('textbox', { name: 'Email' });
  await email.fill('ann.lee@example.com');
  const step = 'Enter a valid email address, then spell it back to the caller.';
  await expectDoneAutomatically(list, step);
  expect(await engineLoaded(serviceWorker, origin)).toBe(true);
});

test('a frame whose steps have matches rules loads the engine for itself, the top page does not', async ({
  page,
  context,
  appServer,
  serviceWorker,
  extensionId,
}) => {
  await installPack(context, extensionId, FRAMED_PACK);
  const origin = appServer.origin('components');
  await page.goto(`${origin}/`);
  const list = checklist(page, FRAMED_TITLE);
  await expect(list).toBeVisible({ timeout: 10_000 });

  const lookup = page.frameLocator('iframe[title="Address lookup"]');
  await lookup.getByRole('textbox', { name: 'Street' }).fill('Park Row');
  await expectDoneAutomatically(list, FRAMED.street);
  const reference = page
    .frameLocator('iframe[title="Call reference"]')
    .getByRole('textbox', { name: 'Call reference' });
  await reference.fill('CR-20491');
  await reference.press('8');
  await expectDoneAutomatically(list, FRAMED.reference);

  // Only the frames that evaluate a matches rule got the engine.
  expect(await engineByFrame(serviceWorker, origin)).toEqual({
    'components.localhost/': false,
    'lookup.localhost/address.html': true,
    'about:srcdoc': true,
    'components.localhost/verify.html': false,
  });
});
