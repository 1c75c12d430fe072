// @vitest-environment happy-dom
/**
 * The shell of the hub's page with a fake fetch: sign-in, the user's name and role, views
 * plugged in as { id, label, Component } with hash routes, a 401 back to the sign-in form,
 * and sign-out with the CSRF token.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App, type HubView, viewOfHash } from '../../../src/hub/web/App';
import type { HubGet } from '../../../src/hub/web/get';

interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

let calls: Call[] = [];
let answers: Record<string, () => { status: number; body: unknown }> = {};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

beforeEach(() => {
  calls = [];
  answers = {
    'GET /api/session': () => ({ status: 401, body: { error: 'not signed in' } }),
    'GET /api/health': () => ({ status: 200, body: { ok: true, demoData: null } }),
    'POST /api/session': () => ({
      status: 200,
      body: { name: 'ann', role: 'author', csrf: 'csrf-1' },
    }),
    'DELETE /api/session': () => ({ status: 200, body: { ok: true } }),
    'GET /api/thing': () => ({ status: 200, body: { n: 7 } }),
  };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      calls.push({
        method,
        path,
        headers: init.headers as Record<string, string>,
        body: init.body ? JSON.parse(init.body as string) : undefined,
      });
      const answer = answers[`${method} ${path}`];
      if (!answer) return json(404, { error: 'not found' });
      const { status, body } = answer();
      return json(status, body);
    }),
  );
  location.hash = '';
});

let root: HTMLElement | null = null;

afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  root = null;
  vi.unstubAllGlobals();
});

async function settle() {
  for (let i = 0; i < 3; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
}

function Thing({ get }: { get: HubGet }) {
  const [text, setText] = useState('…');
  useEffect(() => {
    get<{ n: number }>('/api/thing').then(
      (a) => setText(`n is ${a.n}`),
      (e: Error) => setText(e.message),
    );
  }, [get]);
  return <p class="thing">{text}</p>;
}

const VIEWS: HubView[] = [
  { id: 'first', label: 'First', Component: Thing },
  { id: 'second', label: 'Second', Component: () => <p class="second">second view</p> },
];

async function mount(): Promise<HTMLElement> {
  root = document.createElement('div');
  document.body.append(root);
  await act(() => render(<App views={VIEWS} />, root!));
  await settle();
  return root;
}

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim();

async function signIn(view: HTMLElement, password = 'pw-123456789') {
  const name = view.querySelector<HTMLInputElement>('#sign-in-name')!;
  const pass = view.querySelector<HTMLInputElement>('#sign-in-password')!;
  await act(() => {
    name.value = 'ann';
    name.dispatchEvent(new Event('input', { bubbles: true }));
    pass.value = password;
    pass.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await act(() => {
    view
      .querySelector('form')!
      .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
}

describe('the hub page shell', () => {
  it('signs in, shows who is signed in and the views, and reads through get', async () => {
    const view = await mount();
    expect(text(view.querySelector('h1'))).toBe('Sign in to the Inflow hub');
    expect(view.querySelector('label[for="sign-in-password"]')?.textContent).toBe('Password');

    answers['POST /api/session'] = () => ({
      status: 401,
      body: { error: 'wrong name or password' },
    });
    await signIn(view, 'wrong');
    expect(text(view.querySelector('[role="alert"]'))).toBe('Wrong name or password.');

    answers['POST /api/session'] = () => ({
      status: 200,
      body: { name: 'ann', role: 'author', csrf: 'csrf-1' },
    });
    await signIn(view);
    const post = calls.filter((c) => c.method === 'POST').at(-1)!;
    expect(post.body).toEqual({ name: 'ann', password: 'pw-123456789' });
    expect(text(view.querySelector('.user p'))).toBe('Signed in as ann (author)');
    expect(
      [...view.querySelectorAll('nav a')].map((a) => [text(a), a.getAttribute('href')]),
    ).toEqual([
      ['First', '#/first'],
      ['Second', '#/second'],
    ]);
    expect(view.querySelector('nav a')!.getAttribute('aria-current')).toBe('page');
    expect(text(view.querySelector('h1'))).toBe('First');
    expect(text(view.querySelector('.thing'))).toBe('n is 7');
    // Reads carry no CSRF header; the cookie goes along (same origin).
    expect(calls.find((c) => c.path === '/api/thing')!.headers['x-csrf-token']).toBeUndefined();
  });

  it('follows the hash to another view, and moves the focus to its heading', async () => {
    answers['GET /api/session'] = () => ({
      status: 200,
      body: { name: 'vic', role: 'viewer', csrf: 'c' },
    });
    const view = await mount();
    expect(text(view.querySelector('h1'))).toBe('First');
    await act(() => {
      location.hash = '#/second';
      window.dispatchEvent(new Event('hashchange'));
    });
    await settle();
    expect(text(view.querySelector('h1'))).toBe('Second');
    expect(document.activeElement).toBe(view.querySelector('h1'));
    expect(text(view.querySelector('.second'))).toBe('second view');
  });

  it('goes back to sign-in when a read answers 401', async () => {
    answers['GET /api/session'] = () => ({
      status: 200,
      body: { name: 'vic', role: 'viewer', csrf: 'c' },
    });
    answers['GET /api/thing'] = () => ({ status: 401, body: { error: 'sign in first' } });
    const view = await mount();
    expect(text(view.querySelector('h1'))).toBe('Sign in to the Inflow hub');
    expect(text(view.querySelector('[role="status"]'))).toBe(
      'Your session has ended: sign in again.',
    );
  });

  it('signs out with the CSRF token', async () => {
    answers['GET /api/session'] = () => ({
      status: 200,
      body: { name: 'vic', role: 'viewer', csrf: 'csrf-9' },
    });
    const view = await mount();
    const out = [...view.querySelectorAll('button')].find((b) => text(b) === 'Sign out')!;
    await act(() => out.click());
    await settle();
    const del = calls.find((c) => c.method === 'DELETE')!;
    expect(del.path).toBe('/api/session');
    expect(del.headers['x-csrf-token']).toBe('csrf-9');
    expect(text(view.querySelector('h1'))).toBe('Sign in to the Inflow hub');
    expect(text(view.querySelector('[role="status"]'))).toBe('You are signed out.');
  });

  it('says when the hub holds demo data', async () => {
    answers['GET /api/health'] = () => ({
      status: 200,
      body: { ok: true, demoData: 'Demo data: two simulated colleagues' },
    });
    const view = await mount();
    expect(text(view.querySelector('.demo-note'))).toBe('Demo data: two simulated colleagues');
  });
});

describe('viewOfHash', () => {
  it('finds the view of a hash route, else the first', () => {
    expect(viewOfHash('#/second', VIEWS).id).toBe('second');
    expect(viewOfHash('#/second?x=1', VIEWS).id).toBe('second');
    expect(viewOfHash('#/nope', VIEWS).id).toBe('first');
    expect(viewOfHash('', VIEWS).id).toBe('first');
  });
});
