/**
 * The element picker in a real page: injected on demand the way the options page injects it
 * (scripting.executeScript from the extension), framing what is under the pointer, capturing
 * the clicked element without the app seeing the click, and leaving nothing behind.
 */
import type { Target } from '../../src/aids/schema';
import type { RawCheck, RawEnd, RawPick } from '../../src/picker/api';
import { expect, type Page, test, type Worker } from './fixtures';

interface Scripting {
  executeScript(injection: {
    target: { tabId: number };
    files?: string[];
    func?: (...args: never[]) => unknown;
    args?: unknown[];
  }): Promise<{ result?: unknown }[]>;
}
interface ExtensionGlobal {
  chrome: {
    scripting: Scripting;
    tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
  };
}

/** The id of the tab showing `url`. */
async function tabOf(sw: Worker, url: string): Promise<number> {
  return sw.evaluate(async (want) => {
    const { chrome } = globalThis as unknown as ExtensionGlobal;
    const tabs = await chrome.tabs.query({});
    const tab = tabs.find((t) => t.url === want);
    if (tab?.id === undefined) throw new Error(`no tab shows ${want}`);
    return tab.id;
  }, url);
}

/** Injects picker.js (twice, as repeated picks do) and runs pick() in the page. */
function pick(sw: Worker, tabId: number): Promise<RawPick & Partial<RawEnd>> {
  return sw.evaluate(async (id) => {
    const { chrome } = globalThis as unknown as ExtensionGlobal;
    await chrome.scripting.executeScript({ target: { tabId: id }, files: ['/picker.js'] });
    await chrome.scripting.executeScript({ target: { tabId: id }, files: ['/picker.js'] });
    const [frame] = await chrome.scripting.executeScript({
      target: { tabId: id },
      func: () =>
        (globalThis as unknown as { __inflowPicker: { pick(): unknown } }).__inflowPicker.pick(),
    });
    return frame?.result as RawPick & Partial<RawEnd>;
  }, tabId);
}

/** Runs check(target) in the page. */
function check(sw: Worker, tabId: number, target: Target): Promise<RawCheck> {
  return sw.evaluate(
    async ({ id, t }) => {
      const { chrome } = globalThis as unknown as ExtensionGlobal;
      await chrome.scripting.executeScript({ target: { tabId: id }, files: ['/picker.js'] });
      const [frame] = await chrome.scripting.executeScript({
        target: { tabId: id },
        func: (x: never) =>
          (
            globalThis as unknown as { __inflowPicker: { check(t: unknown): unknown } }
          ).__inflowPicker.check(x),
        args: [t],
      });
      return frame?.result as RawCheck;
    },
    { id: tabId, t: target },
  );
}

/** Counts the clicks and mouse presses the app's own (main world) listeners receive. */
async function watchApp(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { appSaw: string[] };
    w.appSaw = [];
    for (const type of ['pointerdown', 'mousedown', 'click']) {
      document.addEventListener(type, (e) => w.appSaw.push(e.type), true);
    }
  });
  return () => page.evaluate(() => (window as unknown as { appSaw: string[] }).appSaw);
}

async function centreOf(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

test('picks the Account number field: frame and label, a stable target, no click for the app', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const url = `${appServer.origin('portal')}/support/new`;
  await page.goto(url);
  const appSaw = await watchApp(page);
  const picking = pick(serviceWorker, await tabOf(serviceWorker, url));

  const picker = page.locator('inflow-picker');
  await expect(picker).toHaveCount(1);
  await expect(picker.getByRole('status')).toHaveText(
    'Click the element to capture. Esc to cancel.',
  );
  const at = await centreOf(page, '#account-number');
  await page.mouse.move(at.x - 20, at.y);
  await page.mouse.move(at.x, at.y);
  const tag = picker.locator('.tag');
  await expect(tag).toHaveText('textbox “Account number” · label “Account number”');
  await expect(picker.locator('.box')).toBeVisible();
  await page.screenshot({ path: 'test-results/picker-highlight.png' });

  await page.mouse.click(at.x, at.y);
  const result = await picking;
  expect(result.ended).toBeUndefined();
  const { target, description, url: pickedUrl } = result;
  expect(target.label).toBe('Account number');
  expect(target.role).toBe('textbox');
  expect(target.attrs).toMatchObject({ name: 'account_number' });
  expect(target.css).toBeDefined();
  expect(target.css).not.toMatch(/__|Form_|Bn8v1/);
  expect(description).toMatchObject({ tag: 'input', role: 'textbox', name: 'Account number' });
  expect(pickedUrl).toBe(url);

  // The app never saw the press or the click, and the field did not take focus.
  expect(await appSaw()).toEqual([]);
  expect(await page.evaluate(() => document.activeElement?.id ?? '')).not.toBe('account-number');
  await expect(picker).toHaveCount(0);

  // The page works as before once the picker is gone.
  await page.mouse.click(at.x, at.y);
  expect(await appSaw()).toContain('click');
  await expect(page.locator('#account-number')).toBeFocused();
});

test('Escape cancels: the pick ends, and no picker element is left in the page', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const url = `${appServer.origin('portal')}/support/new`;
  await page.goto(url);
  const picking = pick(serviceWorker, await tabOf(serviceWorker, url));
  await expect(page.locator('inflow-picker')).toHaveCount(1);
  const at = await centreOf(page, '#topic');
  await page.mouse.move(at.x, at.y);
  await expect(page.locator('inflow-picker .tag')).toHaveText('combobox “Topic” · label “Topic”');
  // Near the top, the banner moves to the bottom so it does not hide what is picked.
  const banner = page.locator('inflow-picker').getByRole('status');
  await expect(banner).not.toHaveClass(/low/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Help' }).hover();
  await expect(page.locator('inflow-picker .tag')).toHaveText('link “Help”');
  await expect(banner).toHaveClass(/low/);
  await page.keyboard.press('Escape');
  expect(await picking).toEqual({ ended: 'escape' });
  await expect(page.locator('inflow-picker')).toHaveCount(0);
});

test('picks a button inside the customer card’s shadow root, and it resolves back', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const url = `${appServer.origin('console')}/`;
  await page.goto(url);
  const button = page.locator('customer-card').getByRole('button', { name: 'Verify customer' });
  await expect(button).toBeVisible();
  const tabId = await tabOf(serviceWorker, url);
  const picking = pick(serviceWorker, tabId);
  await expect(page.locator('inflow-picker')).toHaveCount(1);
  const box = (await button.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.locator('inflow-picker .tag')).toHaveText('button “Verify customer”');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);

  const result = await picking;
  expect(result?.target).toMatchObject({
    within: 'customer-card',
    role: 'button',
    name: 'Verify customer',
  });
  // The card's own click handler did not run: the customer is still unverified.
  await expect(page.locator('customer-card').getByText('Not verified')).toBeVisible();

  const checking = check(serviceWorker, tabId, result!.target);
  await expect(page.locator('inflow-picker .box')).toBeVisible();
  await page.screenshot({ path: 'test-results/picker-check-shadow.png' });
  const found = await checking;
  expect(found).toMatchObject({ found: true, failed: [], ambiguous: false });
  expect(found.foundBy).toBe('css');
  expect(found.description).toMatchObject({ role: 'button', name: 'Verify customer' });
  await expect(page.locator('inflow-picker')).toHaveCount(0);
});

test('on a page whose CSS fights overlays, the frame and its label stay legible', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const url = `${appServer.origin('hostile')}/`;
  await page.goto(url);
  const picking = pick(serviceWorker, await tabOf(serviceWorker, url));
  const picker = page.locator('inflow-picker');
  await expect(picker).toHaveCount(1);
  await page.locator('#save-note').hover();
  const tag = picker.locator('.tag');
  await expect(tag).toHaveText('button “Save note”');
  const style = await tag.evaluate((el) => {
    const s = getComputedStyle(el);
    return { size: s.fontSize, transform: s.textTransform, display: s.display };
  });
  expect(style).toEqual({ size: '13px', transform: 'none', display: 'block' });
  await expect(picker).toHaveCSS('display', 'block');
  // In the top layer: no z-index of the page's covers it.
  expect(await picker.evaluate((el) => el.matches(':popover-open'))).toBe(true);
  await page.screenshot({ path: 'test-results/picker-hostile.png' });
  await page.keyboard.press('Escape');
  expect(await picking).toEqual({ ended: 'escape' });
});
