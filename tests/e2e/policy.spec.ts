/**
 * Settings from the organisation's policy: Chromium reads it from
 * /etc/chromium/policies/managed/*.json at start-up (`3rdparty.extensions.<id>`), which only
 * root may write. The test writes one file before launching the browser and removes it
 * afterwards, whatever happens. The options page shows the keys as set by the organisation
 * and does not let them change; the source the policy names is synced; the role it sets
 * decides which aids show.
 */
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import {
  chromiumPath,
  DEFAULT_CHROMIUM,
  launchWithExtension,
} from '../../scripts/lib/extension.mjs';
import { seriousViolations } from './axe';
import { checklist, expect, test } from './fixtures';
import {
  extensionIdOfKey,
  newKeys,
  openOptions,
  remotePack,
  sign,
  sourceEntry,
  startPackHost,
} from './sync-helpers';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = join(POLICY_DIR, 'inflow-test.json');

test('settings set by policy are read-only, and the source they name syncs', async ({
  extensionPath,
  headless,
  appServer,
}) => {
  test.skip(
    process.getuid?.() !== 0,
    `Needs root: the browser reads policy from ${POLICY_DIR}, which only root may write.`,
  );
  test.skip(
    chromiumPath() !== DEFAULT_CHROMIUM,
    `CHROMIUM_PATH is set: ${POLICY_DIR} is where Debian's Chromium reads policy, not other builds.`,
  );
  test.setTimeout(60_000);

  const manifest = JSON.parse(await readFile(join(extensionPath, 'manifest.json'), 'utf8'));
  expect(manifest.key, 'the manifest fixes the extension id with `key`').toBeTruthy();
  const extensionId = extensionIdOfKey(manifest.key);

  const keys = await newKeys();
  const host = await startPackHost();
  const pack = remotePack('1.0.0');
  // An aid only for the role the policy sets.
  pack.aids.push({
    id: 'agents-only',
    kind: 'checklist',
    title: 'For agents',
    match: { urls: ['*://portal.localhost:*/billing/'] },
    steps: [{ id: 'one', text: 'Only agents see this.' }],
    audience: { roles: ['agent'] },
  } as (typeof pack.aids)[number]);
  await host.publish(await sign(pack, keys));

  const policy = {
    packSources: [{ url: host.url, publicKey: keys.publicKey }],
    requireSignatures: true,
    role: 'agent',
    syncIntervalMinutes: 30,
    // Valid for Chromium's schema, not for Inflow: ignored, with a reason. A list keeps its
    // valid entries (none here) and stays the organisation's; a single value is dropped.
    trustedKeys: ['not a key'],
    locale: 'x'.repeat(50),
  };
  const profile = await mkdtemp(join(tmpdir(), 'inflow-policy-'));
  // The first directory this test had to create, if any: removed again at the end.
  let created: string | undefined;
  try {
    created = await mkdir(POLICY_DIR, { recursive: true });
    await writeFile(
      POLICY_FILE,
      JSON.stringify({ '3rdparty': { extensions: { [extensionId]: policy } } }, null, 2),
    );
    const context = await launchWithExtension(profile, { headless, ext: extensionPath });
    try {
      const options = await openOptions(context, extensionId);

      // Each key the policy sets: disabled, and says why.
      const managedNote = /^Set by your organisation/;
      const role = options.getByRole('textbox', { name: 'Role' });
      await expect(role).toHaveValue('agent');
      await expect(role).toBeDisabled();
      await expect(role).toHaveAccessibleDescription(managedNote);
      const interval = options.getByRole('spinbutton', { name: 'Minutes between syncs' });
      await expect(interval).toHaveValue('30');
      await expect(interval).toBeDisabled();
      await expect(interval).toHaveAccessibleDescription(managedNote);
      const signatures = options.getByRole('checkbox', { name: 'Require signed packs' });
      await expect(signatures).toBeChecked();
      await expect(signatures).toBeDisabled();
      await expect(signatures).toHaveAccessibleDescription(managedNote);
      const sources = options.getByRole('group', { name: 'Sources', exact: true });
      await expect(sources).toHaveAccessibleDescription(managedNote);
      await expect(sources.getByRole('textbox', { name: /pack address/ })).toHaveValue(host.url);
      await expect(sources.getByRole('textbox', { name: /pack address/ })).toBeDisabled();
      await expect(sources.getByRole('button', { name: 'Add a source' })).toHaveCount(0);
      // Not set by policy: editable.
      await expect(options.getByRole('textbox', { name: 'Team' })).toBeEnabled();
      // Invalid values are named. The list stays the organisation's (no key of one's own can
      // slip in through a typo in policy); the dropped single value leaves the key editable.
      await expect(options.getByText(/^trustedKeys\[0\]: /)).toBeVisible();
      await expect(options.getByRole('textbox', { name: 'Trusted keys' })).toBeDisabled();
      await expect(options.getByText(/^locale: /)).toBeVisible();
      await expect(options.getByRole('textbox', { name: 'Language' })).toBeEnabled();

      expect(seriousViolations(await new AxeBuilder({ page: options }).analyze())).toEqual([]);

      // The background refuses a change to a managed key, whoever asks.
      const refused = await options.evaluate(() => {
        type Runtime = { sendMessage(message: unknown): Promise<unknown> };
        const { runtime } = (globalThis as unknown as { chrome: { runtime: Runtime } }).chrome;
        return runtime.sendMessage({ type: 'settings.set', key: 'role', value: 'admin' });
      });
      expect(refused).toEqual({
        error: 'settings.set: role is set by your organisation and cannot be changed here',
      });

      // The source named by policy syncs at start-up. The last attempt may say "Up to date":
      // a policy that managed storage gives late is applied again when it comes.
      await expect(sourceEntry(options, host.url)).toContainText(
        'acme-portal-remote, version 1.0.0',
        { timeout: 15_000 },
      );

      // The role from policy decides what shows.
      const page = await context.newPage();
      await page.goto(`${appServer.origin('portal')}/billing/`);
      await expect(checklist(page, 'For agents')).toBeVisible({ timeout: 10_000 });
    } finally {
      await context.close();
    }
  } finally {
    await rm(POLICY_FILE, { force: true });
    // Only directories this test created, and only if nothing else was put there since.
    for (let dir = POLICY_DIR; created && dir.startsWith(created); dir = dirname(dir)) {
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
    await rm(profile, { recursive: true, force: true });
    await host.close();
  }
});
