import { describe, expect, it } from 'vitest';
import { installPack } from '../../../src/background/packs';
import { RecordError, recordEvent, resetProgress } from '../../../src/background/recorder';
import type { EventInput } from '../../../src/protocol/messages';
import { checklist, fieldChecks, freshDb, pack, tip, walkthrough } from './fixtures';

const URL_WITH_SECRETS = 'https://crm.localhost:3000/contacts/new?email=a%40b.c&token=xyz#notes';

async function setup() {
  const db = freshDb();
  await installPack(
    db,
    pack('crm', '1.4.0', [
      checklist('new-contact', ['https://crm.localhost:3000/contacts/*']),
      tip('save-tip', ['https://crm.localhost:3000/*']),
      fieldChecks('contact-checks', ['https://crm.localhost:3000/contacts/*']),
      walkthrough('move', ['https://crm.localhost:3000/contacts/*']),
    ]),
  );
  return db;
}

const event = (input: Partial<EventInput>): EventInput => ({
  type: 'aid_shown',
  aidKey: 'crm/new-contact',
  url: URL_WITH_SECRETS,
  at: 500,
  ...input,
});

describe('recordEvent', () => {
  it('stores the event with pack data from the store and a redacted URL', async () => {
    const db = await setup();
    const stored = await recordEvent(
      db,
      event({ type: 'step_done', stepId: 'name', how: 'auto' }),
      1000,
    );

    const rows = await db.events.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      seq: expect.any(Number),
      id: stored.id,
      type: 'step_done',
      aidKey: 'crm/new-contact',
      aidId: 'new-contact',
      packId: 'crm',
      packVersion: '1.4.0',
      stepId: 'name',
      how: 'auto',
      url: 'https://crm.localhost:3000/contacts/new',
      at: 500,
      recordedAt: 1000,
    });
    expect(stored.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(await db.events.where('id').equals(stored.id).count()).toBe(1);
  });

  it('gives every event its own id, in order of arrival', async () => {
    const db = await setup();
    const a = await recordEvent(db, event({}), 1);
    const b = await recordEvent(db, event({ type: 'tip_opened', aidKey: 'crm/save-tip' }), 2);
    expect(a.id).not.toBe(b.id);
    expect((await db.events.orderBy('seq').toArray()).map((e) => e.id)).toEqual([a.id, b.id]);
    expect(await db.events.where('aidKey').equals('crm/save-tip').count()).toBe(1);
  });

  it('keeps target signals and never stores the query string', async () => {
    const db = await setup();
    await recordEvent(
      db,
      event({
        type: 'target_healed',
        aidKey: 'crm/save-tip',
        failedSignals: ['css'],
        foundBy: 'label',
      }),
      9,
    );
    const [row] = await db.events.toArray();
    expect(row).toMatchObject({ failedSignals: ['css'], foundBy: 'label', packVersion: '1.4.0' });
    expect(JSON.stringify(row)).not.toMatch(/token|email=|#notes/);
  });

  it('keeps the route of a hash-routed app, never its query or a plain anchor', async () => {
    const db = freshDb();
    await installPack(
      db,
      pack('spa', '1.0.0', [checklist('new-contact', ['https://app.example/#/contacts/*'])]),
    );
    const at = (url: string) => event({ aidKey: 'spa/new-contact', url });
    await recordEvent(db, at('https://app.example/#/contacts/new?email=a%40b.c'), 1);
    await recordEvent(db, at('https://app.example/?tab=2#!/contacts/42'), 2);
    await recordEvent(db, at('https://app.example/help#consent'), 3);
    expect((await db.events.orderBy('seq').toArray()).map((e) => e.url)).toEqual([
      'https://app.example/#/contacts/new',
      'https://app.example/#!/contacts/42',
      'https://app.example/help',
    ]);
  });

  it('refuses an unknown aid and stores nothing', async () => {
    const db = await setup();
    await expect(recordEvent(db, event({ aidKey: 'crm/nope' }), 1)).rejects.toThrow(RecordError);
    await expect(recordEvent(db, event({ aidKey: 'other/new-contact' }), 1)).rejects.toThrow(
      'unknown aid "other/new-contact"',
    );
    expect(await db.events.count()).toBe(0);
    expect(await db.progress.count()).toBe(0);
  });

  it('refuses step events without a known step', async () => {
    const db = await setup();
    await expect(recordEvent(db, event({ type: 'step_done' }), 1)).rejects.toThrow(
      'needs a stepId',
    );
    await expect(recordEvent(db, event({ type: 'step_done', stepId: 'zzz' }), 1)).rejects.toThrow(
      'has no step "zzz"',
    );
    await expect(
      recordEvent(db, event({ type: 'step_done', aidKey: 'crm/save-tip', stepId: 'name' }), 1),
    ).rejects.toThrow(RecordError);
    expect(await db.events.count()).toBe(0);
  });
});

describe('feedback', () => {
  it('stores the person’s words and changes no progress', async () => {
    const db = await setup();
    await recordEvent(db, event({ type: 'step_done', stepId: 'name', at: 1 }), 2);
    const before = await db.progress.toArray();
    const stored = await recordEvent(
      db,
      event({ type: 'aid_feedback', comment: '  Step 2 is out of date <b>now</b>  ', at: 3 }),
      4,
    );
    expect(stored).toMatchObject({
      type: 'aid_feedback',
      aidKey: 'crm/new-contact',
      packVersion: '1.4.0',
      comment: 'Step 2 is out of date <b>now</b>',
      url: 'https://crm.localhost:3000/contacts/new',
    });
    expect(stored).not.toHaveProperty('stepId');
    expect((await db.events.get({ id: stored.id }))?.comment).toBe(stored.comment);
    expect(await db.progress.toArray()).toEqual(before);

    // On a tip with no progress yet, none is made.
    await recordEvent(db, event({ type: 'aid_feedback', aidKey: 'crm/save-tip' }), 5);
    expect(await db.progress.get('crm/save-tip')).toBeUndefined();
  });

  it('an empty comment is no comment; other events never keep one', async () => {
    const db = await setup();
    const blank = await recordEvent(db, event({ type: 'aid_feedback', comment: '   ' }), 1);
    expect(blank).not.toHaveProperty('comment');
    const shown = await recordEvent(db, event({ type: 'aid_shown', comment: 'sneaky' }), 2);
    expect(shown).not.toHaveProperty('comment');
  });

  it('may name one step of a checklist, which must exist', async () => {
    const db = await setup();
    const about = await recordEvent(
      db,
      event({ type: 'aid_feedback', stepId: 'email', comment: 'wrong field' }),
      1,
    );
    expect(about.stepId).toBe('email');
    await expect(
      recordEvent(db, event({ type: 'aid_feedback', stepId: 'zzz' }), 2),
    ).rejects.toThrow('has no step "zzz"');
    await expect(
      recordEvent(db, event({ type: 'aid_feedback', aidKey: 'crm/save-tip', stepId: 'name' }), 2),
    ).rejects.toThrow(RecordError);
    expect(await db.events.count()).toBe(1);
  });
});

describe('progress', () => {
  it('is created on the first step and follows done, skipped and undone', async () => {
    const db = await setup();
    expect(await db.progress.get('crm/new-contact')).toBeUndefined();

    await recordEvent(db, event({ type: 'aid_shown' }), 10);
    expect(await db.progress.count()).toBe(0);

    await recordEvent(db, event({ type: 'step_done', stepId: 'name', how: 'manual', at: 11 }), 12);
    expect(await db.progress.get('crm/new-contact')).toEqual({
      aidKey: 'crm/new-contact',
      steps: { name: { state: 'done', how: 'manual', at: 11 } },
      startedAt: 11,
      updatedAt: 12,
    });

    await recordEvent(
      db,
      event({ type: 'step_skipped', stepId: 'save', reason: 'not needed', at: 13 }),
      14,
    );
    await recordEvent(db, event({ type: 'step_done', stepId: 'email', how: 'auto', at: 15 }), 16);
    await recordEvent(db, event({ type: 'step_undone', stepId: 'name', at: 17 }), 18);
    expect(await db.progress.get('crm/new-contact')).toEqual({
      aidKey: 'crm/new-contact',
      steps: {
        save: { state: 'skipped', reason: 'not needed', at: 13 },
        email: { state: 'done', how: 'auto', at: 15 },
      },
      startedAt: 11,
      updatedAt: 18,
    });
  });

  it('records completion and dismissal; undoing a step reopens a completed checklist', async () => {
    const db = await setup();
    await recordEvent(db, event({ type: 'step_done', stepId: 'name', at: 1 }), 1);
    await recordEvent(db, event({ type: 'checklist_completed', at: 2 }), 2);
    expect((await db.progress.get('crm/new-contact'))?.completedAt).toBe(2);
    await recordEvent(db, event({ type: 'step_undone', stepId: 'name', at: 3 }), 3);
    expect(await db.progress.get('crm/new-contact')).not.toHaveProperty('completedAt');

    await recordEvent(db, event({ type: 'aid_dismissed', aidKey: 'crm/save-tip', at: 4 }), 5);
    expect(await db.progress.get('crm/save-tip')).toEqual({
      aidKey: 'crm/save-tip',
      steps: {},
      startedAt: 4,
      updatedAt: 5,
      dismissedAt: 4,
    });
  });

  it('writes the event and the progress together or not at all', async () => {
    const db = await setup();
    db.progress.hook('creating', () => {
      throw new Error('quota');
    });
    await expect(
      recordEvent(db, event({ type: 'step_done', stepId: 'name' }), 1),
    ).rejects.toThrow();
    expect(await db.events.count()).toBe(0);
  });

  it('resetProgress forgets the aid and refuses unknown aids', async () => {
    const db = await setup();
    await recordEvent(db, event({ type: 'step_done', stepId: 'name' }), 1);
    await recordEvent(db, event({ type: 'aid_dismissed', aidKey: 'crm/save-tip' }), 1);
    await resetProgress(db, 'crm/new-contact');
    expect(await db.progress.toCollection().primaryKeys()).toEqual(['crm/save-tip']);
    await expect(resetProgress(db, 'crm/ghost')).rejects.toThrow('unknown aid');
    expect(await db.events.count()).toBe(2);
  });

  it('stores field check events by check id, with an override’s reason and never a value', async () => {
    const db = await setup();
    const aidKey = 'crm/contact-checks';
    await recordEvent(db, event({ type: 'check_failed', aidKey, stepId: 'refund' }), 1);
    await recordEvent(db, event({ type: 'check_passed', aidKey, stepId: 'refund' }), 2);
    await recordEvent(
      db,
      event({ type: 'check_overridden', aidKey, stepId: 'refund', reason: 'Manager approved' }),
      3,
    );
    const rows = await db.events.where('aidKey').equals(aidKey).toArray();
    expect(rows.map((r) => [r.type, r.stepId, r.reason])).toEqual([
      ['check_failed', 'refund', undefined],
      ['check_passed', 'refund', undefined],
      ['check_overridden', 'refund', 'Manager approved'],
    ]);
    // Field checks keep no progress: nothing to resume.
    expect(await db.progress.get(aidKey)).toBeUndefined();
  });

  it('refuses a check event for a check the aid does not have, or an override without reason', async () => {
    const db = await setup();
    const aidKey = 'crm/contact-checks';
    await expect(
      recordEvent(db, event({ type: 'check_failed', aidKey, stepId: 'phone' }), 1),
    ).rejects.toThrow('aid "crm/contact-checks" has no field check "phone"');
    await expect(
      recordEvent(
        db,
        event({ type: 'check_failed', aidKey: 'crm/new-contact', stepId: 'name' }),
        1,
      ),
    ).rejects.toThrow(RecordError);
    await expect(
      recordEvent(
        db,
        event({ type: 'check_overridden', aidKey, stepId: 'refund', reason: ' ' }),
        1,
      ),
    ).rejects.toThrow('check_overridden needs the reason the person gave');
    await expect(recordEvent(db, event({ type: 'check_passed', aidKey }), 1)).rejects.toThrow(
      'check_passed needs a stepId',
    );
    expect(await db.events.count()).toBe(0);
  });

  it('keeps a walkthrough’s progress: a start begins a new run, finished and stopped are kept', async () => {
    const db = await setup();
    const aidKey = 'crm/move';
    const progress = () => db.progress.get(aidKey);
    await recordEvent(db, event({ type: 'walkthrough_started', aidKey, at: 100 }), 1);
    expect(await progress()).toMatchObject({ aidKey, steps: {}, startedAt: 100 });
    await recordEvent(db, event({ type: 'step_shown', aidKey, stepId: 'open', at: 110 }), 2);
    await recordEvent(
      db,
      event({ type: 'step_done', aidKey, stepId: 'open', how: 'manual', at: 120 }),
      3,
    );
    expect((await progress())!.steps).toEqual({ open: { state: 'done', how: 'manual', at: 120 } });
    await recordEvent(
      db,
      event({ type: 'walkthrough_abandoned', aidKey, stepId: 'name', at: 130 }),
      4,
    );
    expect(await progress()).toMatchObject({ dismissedAt: 130 });
    // Started again: a new run, nothing done, not stopped.
    await recordEvent(db, event({ type: 'walkthrough_started', aidKey, at: 140 }), 5);
    const again = (await progress())!;
    expect(again.steps).toEqual({});
    expect(again.dismissedAt).toBeUndefined();
    await recordEvent(db, event({ type: 'walkthrough_finished', aidKey, at: 150 }), 6);
    expect(await progress()).toMatchObject({ completedAt: 150 });
    await expect(
      recordEvent(db, event({ type: 'step_shown', aidKey, stepId: 'nope' }), 7),
    ).rejects.toThrow('aid "crm/move" has no step "nope"');
    await expect(
      recordEvent(db, event({ type: 'walkthrough_abandoned', aidKey }), 7),
    ).rejects.toThrow('walkthrough_abandoned needs a stepId');
  });
});
