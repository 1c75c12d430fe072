/**
 * The bundled packs in aids/: they validate, and every aid matches real pages of the sample
 * app it was written for (and not the pages it must stay off).
 */
import 'urlpattern-polyfill';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApps } from '../../../scripts/build-apps.mjs';
import type { Aid, Pack, Target } from '../../../src/aids/schema';
import { matchesUrl, testUrlPattern } from '../../../src/aids/url-match';
import { parsePack } from '../../../src/aids/validate';
import { type AppName, type AppServer, startAppServer } from '../../apps/server.mjs';
import { get } from './http';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const AIDS_DIR = join(ROOT, 'aids');
const APPS_DIR = join(ROOT, 'tests/apps');

interface Sample {
  app: AppName;
  /** Pages of the app where the aid must show. */
  paths: string[];
  /** Pages where it must not. */
  not?: string[];
}

/** A sample page per aid, keyed "<packId>/<aidId>". Every bundled aid must be listed. */
const SAMPLES: Record<string, Sample> = {
  'northwind-crm/new-contact': {
    app: 'crm',
    paths: ['/contacts/new', '/contacts/new?release=2'],
    not: ['/', '/contacts/1001', '/cases/5001'],
  },
  'northwind-crm/email-tip': { app: 'crm', paths: ['/contacts/new'], not: ['/contacts/1001'] },
  'northwind-crm/phone-format': { app: 'crm', paths: ['/contacts/new'], not: ['/contacts/1001'] },
  'northwind-crm/consent-wording': { app: 'crm', paths: ['/contacts/new'], not: ['/'] },
  'northwind-crm/new-contact-checks': {
    app: 'crm',
    paths: ['/contacts/new'],
    not: ['/', '/contacts/1001'],
  },
  'northwind-crm/case': {
    app: 'crm',
    paths: ['/cases/5001', '/cases/5003?release=2'],
    not: ['/cases', '/contacts/new', '/contacts/1001'],
  },
  'northwind-crm/case-notes-format': { app: 'crm', paths: ['/cases/5001'], not: ['/cases'] },
  'acme-energy-portal/change-of-address': {
    app: 'portal',
    paths: ['/billing/address'],
    not: ['/billing/', '/billing/address-updated', '/support/new'],
  },
  'acme-energy-portal/postcode-format': {
    app: 'portal',
    paths: ['/billing/address'],
    not: ['/support/new'],
  },
  'acme-energy-portal/move-home': {
    app: 'portal',
    paths: ['/', '/billing/address'],
    not: ['/billing/', '/support/new'],
  },
  'acme-energy-portal/support-request': {
    app: 'portal',
    paths: ['/support/new'],
    not: ['/support/thanks', '/'],
  },
  'contact-centre-console/wrap-up': {
    app: 'console',
    paths: ['/'],
    not: ['/softphone.html'],
  },
  'legacy-intranet/handover-note': { app: 'hostile', paths: ['/'], not: ['/other'] },
  'legacy-intranet/note-tip': { app: 'hostile', paths: ['/'], not: ['/other'] },
  'legacy-intranet/note-checks': { app: 'hostile', paths: ['/'], not: ['/other'] },
  'legacy-intranet/first-note': { app: 'hostile', paths: ['/'], not: ['/other'] },
  'contact-centre-console/disposition-help': {
    app: 'console',
    paths: ['/'],
    not: ['/softphone.html'],
  },
  'acme-agent-workspace/service-request': {
    app: 'components',
    paths: ['/', '/?caller=0161496', '/#notes'],
    // Its own frames are pages too: the checklist belongs to the page around them.
    not: ['/verify.html', '/index.html/x'],
  },
  'acme-agent-workspace/postcode-tip': { app: 'components', paths: ['/'], not: ['/verify.html'] },
  'harbour-desk/new-contact': {
    app: 'desk',
    paths: ['/#/contacts/new', '/?tenant=eu#/contacts/new'],
    not: ['/', '/#/contacts', '/#/contacts/new/extra', '/#/cases/CS-1042', '/contacts/new'],
  },
  'harbour-desk/reason-tip': {
    app: 'desk',
    paths: ['/#/contacts/new'],
    not: ['/#/contacts', '/#/cases'],
  },
  'contact-centre-floor/shift-check-ins': {
    app: 'console',
    paths: ['/floor', '/floor#/queue', '/floor?rate=0#/alerts'],
    not: ['/', '/softphone.html', '/floor/'],
  },
  ...Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [
      `contact-centre-floor/listen-${2041 + i}`,
      { app: 'console' as const, paths: ['/floor', '/floor#/teams'], not: ['/'] },
    ]),
  ),
  'harbour-bank-frames/open-account': { app: 'frames', paths: ['/'], not: ['/details.html'] },
  'harbour-bank-frames/postcode-tip': { app: 'frames', paths: ['/'], not: ['/details.html'] },
};

/** URL completions: pattern -> [URLs that complete the step, URLs that must not]. */
const URL_COMPLETIONS: Record<string, [string[], string[]]> = {
  '*://crm.localhost:*/contacts/:id(\\d+)': [
    [
      'http://crm.localhost:4100/contacts/1009',
      'http://crm.localhost:4100/contacts/1009?release=2',
    ],
    ['http://crm.localhost:4100/contacts/new', 'http://crm.localhost:4100/contacts/'],
  ],
};

const url = (app: string, path: string) => `http://${app}.localhost:4100${path}`;

function readPacks(): { dir: string; data: unknown }[] {
  return readdirSync(AIDS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({
      dir: d.name,
      data: JSON.parse(readFileSync(join(AIDS_DIR, d.name, 'pack.json'), 'utf8')) as unknown,
    }));
}

function validPacks(): Pack[] {
  return readPacks().map(({ dir, data }) => {
    const result = parsePack(data);
    if (!result.ok) throw new Error(`aids/${dir}/pack.json is invalid`);
    return result.value;
  });
}

/** Every target an aid uses: its own, its steps', its completions' and its conditions'. */
function targetsOf(aid: Aid): Target[] {
  const out: Target[] = [];
  for (const c of aid.match.when ?? []) out.push(c.target);
  if (aid.kind === 'tip') out.push(aid.target);
  if (aid.kind === 'checklist') {
    for (const s of aid.steps) {
      if (s.target) out.push(s.target);
      if (s.done && 'target' in s.done) out.push(s.done.target);
    }
  }
  return out;
}

/** All text sources (HTML, JS, JSX) of a sample app. */
function appSource(app: string): string {
  const files = readdirSync(join(APPS_DIR, app), { recursive: true, withFileTypes: true });
  return files
    .filter((f) => f.isFile() && /\.(html|js|jsx)$/.test(f.name))
    .map((f) => readFileSync(join(f.parentPath, f.name), 'utf8'))
    .join('\n');
}

describe('bundled packs', () => {
  const packs = readPacks();

  it('there is a pack for each app with aids', () => {
    expect(packs.map((p) => p.dir).sort()).toEqual([
      'components',
      'console',
      'crm',
      'desk',
      'floor',
      'frames',
      'hostile',
      'portal',
    ]);
  });

  it.each(packs.map((p) => [p.dir, p.data] as const))('aids/%s/pack.json validates', (_, data) => {
    const result = parsePack(data);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('pack ids are unique', () => {
    const ids = validPacks().map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every aid has a sample page, and every sample belongs to an aid', () => {
    const keys = validPacks().flatMap((p) => p.aids.map((a) => `${p.id}/${a.id}`));
    expect(keys.sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it('each aid matches its sample pages and none of the pages it must stay off', () => {
    for (const pack of validPacks()) {
      for (const aid of pack.aids) {
        const sample = SAMPLES[`${pack.id}/${aid.id}`]!;
        for (const path of sample.paths) {
          expect(matchesUrl(aid.match, url(sample.app, path)), `${aid.id} on ${path}`).toBe(true);
        }
        for (const path of sample.not ?? []) {
          expect(matchesUrl(aid.match, url(sample.app, path)), `${aid.id} off ${path}`).toBe(false);
        }
        // The same page of another app never matches.
        for (const path of sample.paths) {
          expect(matchesUrl(aid.match, url('plain', path)), `${aid.id} on plain`).toBe(false);
        }
      }
    }
  });

  it('URL completions match the page reached after the step, not the page of the step', () => {
    const patterns = validPacks().flatMap((p) =>
      p.aids.flatMap((a) =>
        a.kind === 'checklist'
          ? a.steps.flatMap((s) => (s.done?.type === 'url' ? [s.done.pattern] : []))
          : [],
      ),
    );
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) {
      const cases = URL_COMPLETIONS[pattern];
      expect(cases, `no sample URLs for the completion ${pattern}`).toBeDefined();
      const [yes, no] = cases!;
      for (const u of yes) expect(testUrlPattern(pattern, u), `${pattern} ~ ${u}`).toBe(true);
      for (const u of no) expect(testUrlPattern(pattern, u), `${pattern} !~ ${u}`).toBe(false);
    }
  });

  it('"matches" completions accept good values and reject bad ones', () => {
    const examples: Record<string, [string[], string[]]> = {
      email: [
        ['ada@example.com', 'r.mehta@example.co.uk'],
        ['ada@', 'ada@example', 'ada example.com'],
      ],
      postcode: [
        ['SW1A 1AA', 'ls1 4ap', 'M1 1AE'],
        ['SW1A', '12345', 'SW1A 1A'],
      ],
      'account-number': [
        ['4021778316', '4021 7783 16'],
        ['402177831', '40217783161', 'AB21778316'],
      ],
    };
    const seen = new Set<string>();
    for (const pack of validPacks()) {
      for (const aid of pack.aids) {
        if (aid.kind !== 'checklist') continue;
        for (const step of aid.steps) {
          if (step.done?.type !== 'matches') continue;
          const ex = examples[step.id];
          expect(ex, `no examples for the "matches" step ${aid.id}/${step.id}`).toBeDefined();
          const re = new RegExp(step.done.pattern);
          for (const good of ex![0])
            expect(re.test(good), `${step.id} accepts "${good}"`).toBe(true);
          for (const bad of ex![1]) expect(re.test(bad), `${step.id} rejects "${bad}"`).toBe(false);
          seen.add(step.id);
        }
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(examples).sort());
  });

  it('every #id a target names exists in its sample app', () => {
    for (const pack of validPacks()) {
      for (const aid of pack.aids) {
        const sample = SAMPLES[`${pack.id}/${aid.id}`]!;
        const source = appSource(sample.app);
        for (const target of targetsOf(aid)) {
          const id = /^#([\w-]+)$/.exec(target.css ?? '')?.[1];
          if (!id) continue;
          const found = source.includes(`id="${id}"`) || source.includes(`'${id}'`);
          expect(found, `${aid.id}: #${id} not in tests/apps/${sample.app}`).toBe(true);
        }
      }
    }
  });

  it('every frame a target names is a frame of its sample app, on any port', () => {
    // The pages the sample apps put in iframes, by the app that frames them.
    const framed: Partial<Record<AppName, string[]>> = {
      components: ['components.localhost/verify.html', 'lookup.localhost/address.html'],
      frames: ['frames.localhost/details.html', 'framed.localhost/lookup.html'],
    };
    let frames = 0;
    for (const pack of validPacks()) {
      for (const aid of pack.aids) {
        const sample = SAMPLES[`${pack.id}/${aid.id}`]!;
        const source = appSource(sample.app);
        for (const { frame } of targetsOf(aid)) {
          if (!frame) continue;
          frames++;
          if (frame.url) {
            const pages = (framed[sample.app] ?? []).map((p) => p.split('/'));
            for (const port of [4100, 51234]) {
              const hits = pages.filter(([host, path]) =>
                testUrlPattern(frame.url!, `http://${host}:${port}/${path}`),
              );
              expect(hits.length, `${aid.id}: ${frame.url} on port ${port}`).toBe(1);
            }
          }
          if (frame.css) {
            const title = /^iframe\[title='([^']+)'\]$/.exec(frame.css)?.[1];
            expect(title, `${aid.id}: frame css ${frame.css}`).toBeDefined();
            expect(source, `${aid.id}: no iframe titled ${title}`).toContain(`title="${title}"`);
          }
        }
      }
    }
    expect(frames).toBeGreaterThanOrEqual(4);
  });

  describe('sample pages are served', () => {
    let server: AppServer;
    beforeAll(async () => {
      await buildApps();
      server = await startAppServer({ port: 0 });
    }, 60_000);
    afterAll(async () => {
      await server.close();
    });

    it('every sample page answers 200 with HTML', async () => {
      for (const sample of Object.values(SAMPLES)) {
        for (const path of sample.paths) {
          const res = await get(server.port, `${sample.app}.localhost`, path);
          expect(res.status, `${sample.app}${path}`).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/html/);
        }
      }
    });
  });
});
