import { describe, expect, it } from 'vitest';
import validateStatement from 'xapi-validation';
import {
  ACTOR_SALT,
  actorName,
  DEFAULT_HOME_PAGE,
  EXT_PACK_VERSION,
  isExported,
  isoDuration,
  type StatementContext,
  statementsUrl,
  toStatement,
  VERBS,
} from '../../../src/background/xapi';
import { EventType, type StoredEvent } from '../../../src/protocol/messages';

const ctx: StatementContext = { homePage: DEFAULT_HOME_PAGE, actorName: 'a'.repeat(64) };

const event = (extra: Partial<StoredEvent> = {}): StoredEvent => ({
  id: '0f5a2c3e-7d4b-4a51-9c7e-2b8f3a1d6e90',
  type: 'aid_shown',
  aidKey: 'crm/new-contact',
  aidId: 'new-contact',
  packId: 'crm',
  packVersion: '1.4.0',
  url: 'https://crm.localhost:3000/contacts/new',
  at: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  recordedAt: Date.UTC(2026, 0, 2, 3, 4, 6),
  seq: 7,
  ...extra,
});

const exported = EventType.options.filter(isExported);

/** Every exported type, with the data it usually carries. */
const samples: StoredEvent[] = exported.map((type) =>
  type.startsWith('step_')
    ? event({ type, stepId: 'email', how: 'manual', reason: 'Customer has no e-mail' })
    : event({ type }),
);

describe('toStatement', () => {
  it.each(samples.map((e) => [e.type, e] as const))(
    '%s: a valid xAPI 1.0.3 statement (independent validator)',
    (_type, e) => {
      const statement = toStatement(e, ctx);
      expect(validateStatement(JSON.parse(JSON.stringify(statement)))).toEqual([]);
    },
  );

  it('the validator does catch a broken statement', () => {
    const statement = JSON.parse(JSON.stringify(toStatement(event(), ctx)));
    statement.verb.id = 'not an iri';
    delete statement.actor.account.name;
    expect(validateStatement(statement).length).toBeGreaterThan(0);
  });

  it('uses the event id as the statement id and the time of the action', () => {
    const statement = toStatement(event(), ctx);
    expect(statement.id).toBe('0f5a2c3e-7d4b-4a51-9c7e-2b8f3a1d6e90');
    expect(statement.timestamp).toBe('2026-01-02T03:04:05.006Z');
    // The same event always gives the same statement: a retry is the same statement.
    expect(toStatement(event(), ctx)).toEqual(statement);
  });

  it('an aid is the object, with the pack version in the context', () => {
    const statement = toStatement(event(), ctx);
    expect(statement.verb.id).toBe('http://adlnet.gov/expapi/verbs/experienced');
    expect(statement.actor).toEqual({
      objectType: 'Agent',
      account: { homePage: 'urn:inflow', name: 'a'.repeat(64) },
    });
    expect(statement.object).toEqual({
      objectType: 'Activity',
      id: 'urn:inflow:aid:crm/new-contact',
      definition: {
        name: { 'en-US': 'new-contact' },
        type: 'http://adlnet.gov/expapi/activities/module',
      },
    });
    expect(statement.context.extensions).toEqual({ [EXT_PACK_VERSION]: '1.4.0' });
    expect(statement.context.contextActivities).toBeUndefined();
    expect(statement.result).toBeUndefined();
  });

  it('a step is the object, its checklist the parent', () => {
    const statement = toStatement(event({ type: 'step_done', stepId: 'email', how: 'auto' }), ctx);
    expect(statement.verb.id).toBe('http://adlnet.gov/expapi/verbs/completed');
    expect(statement.object.id).toBe('urn:inflow:aid:crm/new-contact#email');
    expect(statement.object.definition.type).toBe(
      'http://adlnet.gov/expapi/activities/interaction',
    );
    expect(statement.context.contextActivities?.parent.map((a) => a.id)).toEqual([
      'urn:inflow:aid:crm/new-contact',
    ]);
    expect(statement.result).toEqual({
      completion: true,
      extensions: { 'urn:inflow:extension:how': 'auto' },
    });
  });

  it('a skip: completion false, the reason as response only when one was given', () => {
    const withReason = toStatement(
      event({ type: 'step_skipped', stepId: 'email', reason: 'n/a' }),
      ctx,
    );
    expect(withReason.verb.id).toBe('http://id.tincanapi.com/verb/skipped');
    expect(withReason.result).toEqual({ completion: false, response: 'n/a' });
    const without = toStatement(event({ type: 'step_skipped', stepId: 'email' }), ctx);
    expect(without.result).toEqual({ completion: false });
  });

  it('a completed checklist: its run time as result.duration, valid xAPI', () => {
    const timed = toStatement(event({ type: 'checklist_completed', ms: 200_500 }), ctx);
    expect(timed.result).toEqual({ completion: true, duration: 'PT3M20.5S' });
    expect(validateStatement(JSON.parse(JSON.stringify(timed)))).toEqual([]);
    // Without a known duration, no duration rather than a made-up one.
    expect(toStatement(event({ type: 'checklist_completed' }), ctx).result).toEqual({
      completion: true,
    });
  });

  it('writes durations as ISO 8601 to 0.01 s, hours not carried into days', () => {
    expect(isoDuration(0)).toBe('PT0S');
    expect(isoDuration(45_204)).toBe('PT45.2S');
    expect(isoDuration(200_000)).toBe('PT3M20S');
    expect(isoDuration(7)).toBe('PT0.01S');
    expect(isoDuration(3_600_000)).toBe('PT1H');
    expect(isoDuration(50 * 3_600_000 + 60_000)).toBe('PT50H1M');
  });

  it('has a verb for every exported type; page diagnostics stay local', () => {
    expect(exported.sort()).toEqual(Object.keys(VERBS).sort());
    expect(isExported('target_missing')).toBe(false);
    expect(isExported('target_healed')).toBe(false);
    expect(() => toStatement(event({ type: 'target_missing' }), ctx)).toThrow(/not exported/);
  });

  it('never carries the page URL', () => {
    for (const e of samples) expect(JSON.stringify(toStatement(e, ctx))).not.toContain('localhost');
    // Not the route of a hash-routed app either, which is part of the recorded URL.
    for (const e of samples) {
      const json = JSON.stringify(
        toStatement({ ...e, url: 'https://app.example/#/contacts/new' }, ctx),
      );
      expect(json).not.toMatch(/app\.example|contacts|#\//);
    }
  });

  it('escapes ids into the activity IRI', () => {
    const statement = toStatement(event({ packId: 'a b', aidId: 'c#d' }), ctx);
    expect(statement.object.id).toBe('urn:inflow:aid:a%20b/c%23d');
  });
});

describe('feedback', () => {
  const feedback = (extra: Partial<StoredEvent> = {}) =>
    event({ type: 'aid_feedback', comment: 'The consent wording changed in May.', ...extra });

  it('is a "commented" statement about the aid, the comment as the response', () => {
    const statement = toStatement(feedback(), ctx);
    expect(validateStatement(JSON.parse(JSON.stringify(statement)))).toEqual([]);
    expect(statement.verb).toEqual({
      id: 'http://adlnet.gov/expapi/verbs/commented',
      display: { 'en-US': 'commented' },
    });
    expect(statement.object.id).toBe('urn:inflow:aid:crm/new-contact');
    expect(statement.result).toEqual({ response: 'The consent wording changed in May.' });
    expect(statement.context.contextActivities).toBeUndefined();
  });

  it('without a comment has no result; about one step, the step is the object', () => {
    const bare = toStatement(feedback({ comment: undefined }), ctx);
    expect(validateStatement(JSON.parse(JSON.stringify(bare)))).toEqual([]);
    expect(bare.result).toBeUndefined();

    const step = toStatement(feedback({ stepId: 'consent' }), ctx);
    expect(validateStatement(JSON.parse(JSON.stringify(step)))).toEqual([]);
    expect(step.object.id).toBe('urn:inflow:aid:crm/new-contact#consent');
    expect(step.context.contextActivities?.parent.map((a) => a.id)).toEqual([
      'urn:inflow:aid:crm/new-contact',
    ]);
  });

  it('a comment of the longest kind, with markup and quotes, is still a valid statement', () => {
    const comment = `"<script>alert(1)</script>" ${'é'.repeat(960)}`.slice(0, 1000);
    const statement = toStatement(feedback({ comment }), ctx);
    expect(validateStatement(JSON.parse(JSON.stringify(statement)))).toEqual([]);
    expect(statement.result?.response).toBe(comment);
  });
});

describe('actorName', () => {
  it('is the SHA-256 hex of the salt and the actorId, never the id itself', async () => {
    const name = await actorName('jane.doe@example.com', 'fallback');
    expect(name).toMatch(/^[0-9a-f]{64}$/);
    expect(name).not.toContain('jane');
    const digest = await crypto.subtle.digest(
      'SHA-256',
      new TextEncoder().encode(`${ACTOR_SALT}jane.doe@example.com`),
    );
    expect(name).toBe(Buffer.from(digest).toString('hex'));
    expect(await actorName(' jane.doe@example.com ', 'x')).toBe(name);
  });

  it('uses the per-profile fallback when actorId is empty', async () => {
    expect(await actorName('', 'p1')).not.toBe(await actorName('', 'p2'));
    expect(await actorName('', 'p1')).toBe(await actorName('', 'p1'));
  });
});

describe('statementsUrl', () => {
  it('adds /statements once', () => {
    expect(statementsUrl('https://lrs.example/xapi')).toBe('https://lrs.example/xapi/statements');
    expect(statementsUrl('https://lrs.example/xapi/')).toBe('https://lrs.example/xapi/statements');
    expect(statementsUrl('https://lrs.example/xapi/statements')).toBe(
      'https://lrs.example/xapi/statements',
    );
  });
});
