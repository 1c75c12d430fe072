/**
 * Runs of a checklist (docs/authoring.md, "Runs"): leaving the checklist's pages unfinished
 * marks the run left; the next visit that is not a reload records run_abandoned and starts
 * with nothing ticked; a reload goes on with the run.
 */
import { describe, expect, it } from 'vitest';
import { setSetting } from '../../../src/background/db';
import { summary } from '../../../src/background/insights';
import { installPack } from '../../../src/background/packs';
import { leaveRun, RecordError, recordEvent, startRuns } from '../../../src/background/recorder';
import { handleMessage, type RouterDeps, type Sender } from '../../../src/background/router';
import type { EventInput, LookupResponse } from '../../../src/protocol/messages';
import { checklist, freshDb, pack, tip } from './fixtures';

const EXT_ID = 'inflow-test-id';
const FORM = 'https://crm.localhost:3000/contacts/new';
const CL = 'crm/new-contact';
const content: Sender = { id: EXT_ID, url: FORM, tab: { id: 7, url: FORM }, frameId: 0 };
const popup: Sender = { id: EXT_ID, url: `chrome-extension://${EXT_ID}/popup.html` };

async function setup() {
  const db = freshDb();
  await installPack(
    db,
    pack('crm', '1.0.0', [
      checklist('new-contact', ['https://crm.localhost:3000/contacts/new']),
      tip('save-tip', ['https://crm.localhost:3000/*']),
    ]),
  );
  let clock = 10_000;
  const deps: RouterDeps = {
    db,
    runtime: { id: EXT_ID, getURL: (path) => `chrome-extension://${EXT_ID}${path}` },
    tabs: { query: async () => [], sendMessage: async () => ({ ok: true }) },
    now: () => clock,
  };
  const ask = (message: unknown, sender = content) => handleMessage(message, sender, deps);
  const lookup = async (reload?: boolean) => {
    clock += 100;
    const answer = (await ask({
      type: 'page.lookup',
      url: `${FORM}?customer=42`,
      ...(reload === undefined ? {} : { reload }),
    })) as LookupResponse;
    return answer.aids.find((a) => a.key === CL)!;
  };
  const record = (input: Partial<EventInput>) => {
    clock += 1;
    return recordEvent(db, { type: 'step_done', aidKey: CL, url: FORM, at: 0, ...input }, clock);
  };
  const abandoned = () => db.events.where('type').equals('run_abandoned').toArray();
  return { db, deps, ask, lookup, record, abandoned };
}

describe('a run left unfinished', () => {
  it('starts over on the next visit, recorded once as run_abandoned', async () => {
    const { db, ask, lookup, record, abandoned } = await setup();
    await record({ stepId: 'name', how: 'manual', at: 1000 });
    await record({ type: 'step_skipped', stepId: 'email', at: 1100 });
    expect(await ask({ type: 'progress.leave', aidKey: CL, at: 1200 })).toEqual({ ok: true });
    expect((await db.progress.get(CL))?.leftAt).toBe(1200);

    const fresh = await lookup();
    expect(fresh.progress).toBeNull();
    expect(fresh.runAbandoned).toBe(true);
    expect(await db.progress.get(CL)).toBeUndefined();
    const [event, ...more] = await abandoned();
    expect(more).toEqual([]);
    // When it was left; the address of the page, cut like every recorded URL.
    expect(event).toMatchObject({ aidKey: CL, packId: 'crm', at: 1200, url: FORM });
    expect(event).not.toHaveProperty('stepId');

    // The new run goes on as usual; it is not abandoned again by the next lookup.
    await record({ stepId: 'name', at: 2000 });
    const again = await lookup();
    expect(again.runAbandoned).toBeUndefined();
    expect(again.progress?.steps).toEqual({ name: { state: 'done', at: 2000 } });
    expect(await abandoned()).toHaveLength(1);
  });

  it('goes on after a reload, which forgets that it was left', async () => {
    const { db, ask, lookup, record, abandoned } = await setup();
    await record({ stepId: 'name', at: 1000 });
    await ask({ type: 'progress.leave', aidKey: CL, at: 1200 });

    const reloaded = await lookup(true);
    expect(reloaded.runAbandoned).toBeUndefined();
    expect(reloaded.progress?.steps).toEqual({ name: { state: 'done', at: 1000 } });
    expect(reloaded.progress).not.toHaveProperty('leftAt');
    expect(await db.progress.get(CL)).not.toHaveProperty('leftAt');
    // Nor does the visit after the reload start over: the run was not left again.
    expect((await lookup()).progress?.steps).toHaveProperty('name');
    expect(await abandoned()).toEqual([]);
  });

  it('stays left for events done before leaving that arrive after the leave', async () => {
    const { db, ask, lookup, record, abandoned } = await setup();
    // The leave overtakes the event that creates the progress (the page queues events).
    await ask({ type: 'progress.leave', aidKey: CL, at: 1200 });
    await record({ stepId: 'name', at: 1150 });
    expect(await db.progress.get(CL)).toMatchObject({ leftAt: 1200, steps: { name: {} } });
    expect((await lookup()).runAbandoned).toBe(true);
    expect(await abandoned()).toHaveLength(1);
  });

  it('goes on when the person acts again after leaving (the page came back as it was)', async () => {
    const { db, ask, lookup, record, abandoned } = await setup();
    await record({ stepId: 'name', at: 1000 });
    await ask({ type: 'progress.leave', aidKey: CL, at: 1200 });
    await record({ stepId: 'email', at: 1300 });
    expect(await db.progress.get(CL)).not.toHaveProperty('leftAt');
    expect(Object.keys((await lookup()).progress?.steps ?? {})).toEqual(['name', 'email']);
    expect(await abandoned()).toEqual([]);
  });

  it('with nothing ticked any more starts over without an abandoned run', async () => {
    const { ask, lookup, record, abandoned } = await setup();
    await record({ stepId: 'name', at: 1000 });
    await record({ type: 'step_undone', stepId: 'name', at: 1100 });
    await ask({ type: 'progress.leave', aidKey: CL, at: 1200 });
    const fresh = await lookup();
    expect(fresh.progress).toBeNull();
    expect(fresh.runAbandoned).toBeUndefined();
    expect(await abandoned()).toEqual([]);
  });

  it('a finished run is not marked left: the overlay starts it over as before', async () => {
    const { db, ask, lookup, record, abandoned } = await setup();
    await record({ stepId: 'name', at: 1000 });
    await record({ type: 'checklist_completed', at: 1100 });
    await ask({ type: 'progress.leave', aidKey: CL, at: 1200 });
    expect(await db.progress.get(CL)).not.toHaveProperty('leftAt');
    expect((await lookup()).progress?.completedAt).toBe(1100);
    expect(await abandoned()).toEqual([]);
  });

  it('keeps the first time it was left', async () => {
    const { db } = await setup();
    await recordEvent(db, { type: 'step_done', aidKey: CL, stepId: 'name', url: FORM, at: 1 }, 2);
    await leaveRun(db, CL, 10, 11);
    await leaveRun(db, CL, 20, 21);
    expect((await db.progress.get(CL))?.leftAt).toBe(10);
  });

  it('is not sent to the analytics endpoint (it has no xAPI verb)', async () => {
    const { db, ask, lookup, record } = await setup();
    await setSetting(db, 'exportOn', true);
    await record({ stepId: 'name', at: 1000 });
    await ask({ type: 'progress.leave', aidKey: CL, at: 1200 });
    await lookup();
    const queued = (await db.outbox.toArray()).map((row) => row.event.type);
    expect(queued).toEqual(['step_done']);
  });

  it('leaves drafts in preview alone', async () => {
    const { db } = await setup();
    await recordEvent(db, { type: 'step_done', aidKey: CL, stepId: 'name', url: FORM, at: 1 }, 2);
    await leaveRun(db, CL, 10, 11);
    const progress = (await db.progress.get(CL))!;
    const draft = { key: CL, packId: 'crm', packVersion: 'draft', preview: true, progress };
    const aids = [{ ...draft, aid: (await db.aids.get(CL))!.aid }];
    expect(await startRuns(db, aids, FORM, false, 20)).toBe(aids);
    expect(await db.progress.get(CL)).toEqual(progress);
  });
});

describe("a completed run's duration (ms)", () => {
  const completed = async (db: Awaited<ReturnType<typeof setup>>['db']) =>
    (await db.events.where('type').equals('checklist_completed').toArray()).map((e) => e.ms);

  it('counts from the first step done or skipped to the completion, sent by the page', async () => {
    const { db, ask } = await setup();
    const send = (event: Partial<EventInput>) =>
      ask({ type: 'event.record', event: { type: 'step_done', aidKey: CL, url: FORM, ...event } });
    await send({ type: 'aid_shown', at: 500 });
    await send({ stepId: 'name', how: 'manual', at: 1000 });
    await send({ type: 'step_skipped', stepId: 'email', at: 40_000 });
    expect(await send({ type: 'checklist_completed', at: 91_000 })).toMatchObject({ ok: true });
    expect(await completed(db)).toEqual([90_000]);
    // The other events carry none.
    expect((await db.events.toArray()).filter((e) => e.ms !== undefined)).toHaveLength(1);
  });

  it('cannot be set by the page', async () => {
    const { db, ask } = await setup();
    await ask({
      type: 'event.record',
      event: { type: 'step_done', aidKey: CL, stepId: 'name', url: FORM, at: 1000 },
    });
    const forged = { type: 'checklist_completed', aidKey: CL, url: FORM, at: 2000, ms: 5 };
    expect(await ask({ type: 'event.record', event: forged })).toEqual({
      error: expect.stringContaining('invalid message'),
    });
    expect(await completed(db)).toEqual([]);
  });

  it('starts again with the next run, after undoing a step goes on with the same run', async () => {
    const { db, ask, record } = await setup();
    await record({ stepId: 'name', at: 1000 });
    await record({ type: 'checklist_completed', at: 3000 });
    await record({ type: 'step_undone', stepId: 'name', at: 4000 });
    await record({ stepId: 'name', at: 5000 });
    await record({ type: 'checklist_completed', at: 6000 });
    // The overlay starts a finished checklist over on the next visit.
    await ask({ type: 'progress.reset', aidKey: CL });
    await record({ stepId: 'name', at: 100_000 });
    await record({ type: 'checklist_completed', at: 100_250 });
    expect(await completed(db)).toEqual([2000, 5000, 250]);
  });

  it('counts from the step when the leave that made the progress came first', async () => {
    const { db, ask, record } = await setup();
    await ask({ type: 'progress.leave', aidKey: CL, at: 1200 });
    await record({ stepId: 'name', at: 1150 });
    // Back on the page as it was: the run goes on and completes.
    await record({ type: 'checklist_completed', at: 2150 });
    expect(await completed(db)).toEqual([1000]);
  });

  it('is left out without a step before the completion, or past 30 days', async () => {
    const { db, ask, record } = await setup();
    await record({ type: 'checklist_completed', at: 1000 });
    await ask({ type: 'progress.reset', aidKey: CL });
    const DAY = 86_400_000;
    await record({ stepId: 'name', at: 2000 });
    await record({ type: 'checklist_completed', at: 2000 + 30 * DAY + 1 });
    await ask({ type: 'progress.reset', aidKey: CL });
    await record({ stepId: 'name', at: 5000 });
    await record({ type: 'checklist_completed', at: 4000 });
    await ask({ type: 'progress.reset', aidKey: CL });
    await record({ stepId: 'name', at: 6000 });
    await record({ type: 'checklist_completed', at: 6000 + 30 * DAY });
    expect(await completed(db)).toEqual([undefined, undefined, undefined, 30 * DAY]);
  });
});

describe('progress.leave', () => {
  it('comes only from a content script, for an aid that exists', async () => {
    const { ask } = await setup();
    expect(await ask({ type: 'progress.leave', aidKey: CL, at: 1 }, popup)).toEqual({
      error: expect.stringContaining('only a content script'),
    });
    expect(await ask({ type: 'progress.leave', aidKey: 'crm/nope', at: 1 })).toEqual({
      error: 'progress.leave: unknown aid "crm/nope"',
    });
    expect(await ask({ type: 'progress.leave', aidKey: CL })).toEqual({
      error: expect.stringContaining('at:'),
    });
    await expect(leaveRun(freshDb(), CL, 1)).rejects.toThrow(RecordError);
  });
});

describe('insights with abandoned runs', () => {
  it('an abandoned run ends the run: drop-off counts it with the steps it reached', async () => {
    const { ask, lookup, record, deps } = await setup();
    // Run 1: name done, then left; run 2: name and email, completed.
    await recordEvent(deps.db, { type: 'aid_shown', aidKey: CL, url: FORM, at: 900 }, 901);
    await record({ stepId: 'name', at: 1000 });
    await ask({ type: 'progress.leave', aidKey: CL, at: 1200 });
    await lookup();
    await recordEvent(deps.db, { type: 'aid_shown', aidKey: CL, url: FORM, at: 1300 }, 1301);
    await record({ stepId: 'name', at: 1400 });
    await record({ stepId: 'email', at: 1500 });
    await record({ type: 'checklist_completed', at: 1600 });

    const aid = (await summary(deps.db, {})).aids.find((a) => a.aidKey === CL)!;
    expect(aid).toMatchObject({ runs: 2, started: 2, completed: 1, abandoned: 1 });
    expect(aid.completionRate).toBe(0.5);
    // Measured from the second run's first step, not the first run's.
    expect(aid.medianMsToComplete).toBe(200);
    const reached = Object.fromEntries(aid.steps.map((s) => [s.stepId, s.reached]));
    expect(reached).toEqual({ name: 2, email: 1, save: 0 });
  });
});
