/** `inflow hub settings`, in-process, on one PGlite data directory. */
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers';

describe('inflow hub settings', () => {
  it('refuses a setting it does not know and a URL that is not http(s), before opening anything', async () => {
    expect((await cli('hub', 'settings', 'set', 'colour', 'red')).code).toBe(2);
    const ftp = await cli('hub', 'settings', 'set', 'webhook', 'ftp://chat.example.com/x');
    expect(ftp.code).toBe(1);
    expect(ftp.stderr).toMatch(/must start with https:\/\/ or http:\/\//);
    const creds = await cli(
      'hub',
      'settings',
      'set',
      'webhook',
      'https://bot:pw@chat.example.com/x',
    );
    expect(creds.code).toBe(1);
    expect(creds.stderr).toMatch(/user name or password/);
    expect(creds.stderr).not.toContain('pw@');
  });

  it('sets, shows and unsets the webhook and the hub address, never printing the webhook secret', async () => {
    const data = await tempDir();
    const hook = 'https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX?x=1';
    const set = await cli('hub', 'settings', 'set', 'webhook', hook, '--data', data);
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('webhook set to https://hooks.slack.com/…');
    const url = await cli(
      'hub',
      'settings',
      'set',
      'url',
      'https://inflow-hub.example.com/',
      '--data',
      data,
    );
    expect(url.stdout).toBe('url set to https://inflow-hub.example.com');

    const shown = await cli('hub', 'settings', '--data', data);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(
      'retention_days  180\nwebhook  https://hooks.slack.com/…\nurl  https://inflow-hub.example.com',
    );
    expect(shown.stdout).not.toContain('secret');

    expect((await cli('hub', 'settings', 'unset', 'webhook', '--data', data)).stdout).toBe(
      'webhook unset',
    );
    expect((await cli('hub', 'settings', 'unset', 'webhook', '--data', data)).stdout).toBe(
      'webhook was not set',
    );
    expect((await cli('hub', 'settings', '--data', data)).stdout).toContain('webhook  (not set)');
  }, 60_000);
});
