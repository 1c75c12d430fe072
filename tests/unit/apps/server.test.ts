/** The sample apps' server: one port, apps chosen by the Host header. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApps } from '../../../scripts/build-apps.mjs';
import { APPS, type AppServer, BUILD_COMMAND, startAppServer } from '../../apps/server.mjs';
import { get } from './http';

describe('sample app server', () => {
  let server: AppServer;
  beforeAll(async () => {
    await buildApps();
    server = await startAppServer({ port: 0 });
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  it('binds a free port and names origins per app', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.origin('crm')).toBe(`http://crm.localhost:${server.port}`);
    expect(Object.keys(APPS).sort()).toEqual([
      'components',
      'console',
      'crm',
      'desk',
      'framed',
      'frames',
      'hostile',
      'lookup',
      'plain',
      'portal',
    ]);
  });

  it.each(Object.keys(APPS))('%s: the main page is HTML, never cached', async (app) => {
    const res = await get(server.port, `${app}.localhost`, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatch(/^<!doctype html>/i);
    expect(res.body).toMatch(/<title>[^<]+<\/title>/);
  });

  it('the CRM serves its app shell for client-side routes', async () => {
    const shell = await get(server.port, 'crm.localhost', '/');
    for (const path of [
      '/contacts/new',
      '/contacts/1001',
      '/cases/5001?release=2',
      '/no/such/route',
    ]) {
      const res = await get(server.port, 'crm.localhost', path);
      expect(res.status, path).toBe(200);
      expect(res.body, path).toBe(shell.body);
    }
  });

  it('serves assets with their content types; a missing asset is a 404, not the shell', async () => {
    const js = await get(server.port, 'crm.localhost', '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await get(server.port, 'portal.localhost', '/assets/portal.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const missing = await get(server.port, 'crm.localhost', '/assets/missing.js');
    expect(missing.status).toBe(404);
  });

  it('the portal is multi-page: each path is its own file', async () => {
    const address = await get(server.port, 'portal.localhost', '/billing/address');
    expect(address.status).toBe(200);
    expect(address.body).toContain('id="postcode"');
    const support = await get(server.port, 'portal.localhost', '/support/new');
    expect(support.body).toContain('id="account-number"');
    const billing = await get(server.port, 'portal.localhost', '/billing/');
    expect(billing.status).toBe(200);
    expect((await get(server.port, 'portal.localhost', '/nowhere')).status).toBe(404);
  });

  it('a support request POST redirects 303 to the thanks page with a reference', async () => {
    const res = await get(server.port, 'portal.localhost', '/support/new', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'account_number=4021778316&topic=Meter+reading&description=No+reading',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/support\/thanks\?ref=SR-\d{6}$/);
    const thanks = await get(server.port, 'portal.localhost', res.headers.location as string);
    expect(thanks.status).toBe(200);
    expect(thanks.body).toContain('Request received');
  });

  it('a change of address POST redirects 303; POSTs elsewhere are refused', async () => {
    const res = await get(server.port, 'portal.localhost', '/billing/address', {
      method: 'POST',
      body: 'street=1+High+St',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/billing/address-updated');
    expect((await get(server.port, 'crm.localhost', '/', { method: 'POST' })).status).toBe(405);
  });

  it('the portal’s ?release=2 renames ids and generated classes, keeps labels and names', async () => {
    const now = (await get(server.port, 'portal.localhost', '/support/new')).body;
    const next = (await get(server.port, 'portal.localhost', '/support/new?release=2')).body;
    expect(now).toContain('id="account-number"');
    expect(next).not.toContain('id="account-number"');
    expect(next).toContain('<label for="r2-account-number">Account number</label>');
    expect(next).toContain('id="r2-account-number" name="account_number"');
    expect(next).toContain('aria-describedby="r2-account-number-hint"');
    expect(now).toContain('Form_input__Bn8v1');
    expect(next).not.toContain('Form_input__Bn8v1');
    expect(next).toContain('Form_input__r2x9q');
  });

  it('the console serves the softphone for its iframe', async () => {
    const res = await get(server.port, 'console.localhost', '/softphone.html');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Hang up');
  });

  it('an unknown host is a 404 page', async () => {
    const res = await get(server.port, 'intranet.localhost', '/');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await get(server.port, '127.0.0.1', '/')).status).toBe(404);
  });

  it('paths cannot leave the app folder', async () => {
    for (const path of ['/../server.mjs', '/%2e%2e/server.mjs', '/..%2fserver.mjs']) {
      const res = await get(server.port, 'portal.localhost', path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('startAppServer');
    }
  });

  it('components: Shoelace comes from node_modules, only under /vendor/shoelace/', async () => {
    const page = await get(server.port, 'components.localhost', '/');
    expect(page.body).toContain('src="/vendor/shoelace/components/input/input.js"');
    for (const path of [
      '/vendor/shoelace/components/input/input.js',
      '/vendor/shoelace/components/select/select.js',
    ]) {
      const res = await get(server.port, 'components.localhost', path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    }
    const theme = await get(
      server.port,
      'components.localhost',
      '/vendor/shoelace/themes/light.css',
    );
    expect(theme.headers['content-type']).toBe('text/css; charset=utf-8');
    // Other apps do not have the mount.
    expect(
      (await get(server.port, 'portal.localhost', '/vendor/shoelace/themes/light.css')).status,
    ).toBe(404);
    for (const path of [
      '/vendor/shoelace/../../../package.json',
      '/vendor/shoelace/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/vendor/shoelace/..%2f..%2fpackage.json',
    ]) {
      const res = await get(server.port, 'components.localhost', path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('"dependencies"');
    }
  });

  it('components frames the lookup app on its own origin, at the page’s port', async () => {
    const page = (await get(server.port, 'components.localhost', '/')).body;
    const script = (await get(server.port, 'components.localhost', '/workspace.js')).body;
    expect(page).toContain('title="Address lookup"');
    expect(script).toContain(['lookup.localhost:', '{location.port}/address.html'].join('$'));
    const lookup = await get(server.port, 'lookup.localhost', '/address.html');
    expect(lookup.status).toBe(200);
    expect(lookup.body).toContain('<label for="street">Street</label>');
    const verify = await get(server.port, 'components.localhost', '/verify.html');
    expect(verify.body).toContain('Caller passed security questions');
  });

  it('desk serves its shell and its built bundle under /build/', async () => {
    const shell = await get(server.port, 'desk.localhost', '/');
    expect(shell.status).toBe(200);
    expect(shell.body).toContain('src="/build/desk.js"');
    const bundle = await get(server.port, 'desk.localhost', '/build/desk.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(server.port, 'desk.localhost', '/build/../../server.mjs')).status).toBe(404);
  });
});

describe('sample app server without the built apps', () => {
  it('answers 500 on every desk page, naming the command that builds it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'inflow-no-build-'));
    const bare = await startAppServer({ port: 0, buildRoot: empty });
    try {
      for (const path of ['/', '/build/desk.js']) {
        const res = await get(bare.port, 'desk.localhost', path);
        expect(res.status, path).toBe(500);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.body).toContain('The desk app is not built');
        expect(res.body).toContain(`<code>${BUILD_COMMAND}</code>`);
      }
      // Apps without a build are unaffected.
      expect((await get(bare.port, 'components.localhost', '/')).status).toBe(200);
    } finally {
      await bare.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
