import { describe, expect, it } from 'vitest';
import { exportEvents, health, median, summary } from '../../../src/background/insights';
import { installPack } from '../../../src/background/packs';
import { handleMessage, type RouterDeps } from '../../../src/background/router';
import type { StoredEvent } from '../../../src/protocol/messages';
import { checklist, fieldChecks, freshDb, pack, tip, walkthrough } from './fixtures';

const EXT_ID = 'inflow-test-id';
const FORM = 'https://crm.example.com/contacts/new';
const LIST = 'https://crm.example.com/contacts';
const CL = 'crm/new-contact';
const TIP = 'crm/save-tip';

async function setup() {
  const db = freshDb();
  await installPack(
    db,
    pack('crm', '1.0.0', [
      checklist('new-contact', ['https://crm.example.com/contacts/*']),
      tip('save-tip', ['https://crm.example.com/*']),
      fieldChecks('contact-checks', ['https://crm.example.com/contacts/*']),
      walkthrough('move', ['https://crm.example.com/contacts/*']),
    ]),
  );
  let seq = 0;
  /** Stores an event as the recorder would, at `at` (recorded one second later). */
  const add = async (
    type: StoredEvent['type'],
    aidKey: string,
    at: number,
    extra: Partial<StoredEvent> = {},
  ) => {
    seq += 1;
    const [packId, aidId] = aidKey.split('/') as [string, string];
    await db.events.add({
      id: `e-${seq}`,
      type,
      aidKey,
      aidId,
      packId,
      packVersion: '1.0.0',
      url: FORM,
      at,
      recordedAt: at + 1000,
      ...extra,
    });
  };
  return { db, add };
}

/** A whole run of the checklist: shown, name by hand, email automatically, completed. */
async function completeRun(
  add: Awaited<ReturnType<typeof setup>>['add'],
  start: number,
  ms: number,
) {
  await add('aid_shown', CL, start);
  await add('step_done', CL, start + 10, { stepId: 'name', how: 'manual' });
  await add('step_done', CL, start + 20, { stepId: 'email', how: 'auto' });
  await add('checklist_completed', CL, start + 10 + ms);
}

describe('insights.summary', () => {
  it('counts per step, in the aid’s order, with the 3 most common skip reasons', async () => {
    const { db, add } = await setup();
    await completeRun(add, 1000, 5000);
    await add('aid_shown', CL, 10_000);
    await add('step_skipped', CL, 10_010, { stepId: 'save', reason: 'Not needed' });
    await add('step_skipped', CL, 10_020, { stepId: 'save', reason: ' Not  needed ' });
    await add('step_skipped', CL, 10_030, { stepId: 'save', reason: 'Saved later' });
    await add('step_skipped', CL, 10_040, { stepId: 'save', reason: 'Customer hung up' });
    await add('step_skipped', CL, 10_050, { stepId: 'save', reason: 'Customer hung up' });
    await add('step_skipped', CL, 10_060, { stepId: 'save', reason: 'Another' });
    await add('step_skipped', CL, 10_070, { stepId: 'save' });
    await add('step_done', CL, 10_080, { stepId: 'name', how: 'manual' });
    await add('step_undone', CL, 10_090, { stepId: 'name' });
    await add('target_missing', CL, 10_100, { stepId: 'email', failedSignals: ['css'] });
    await add('target_healed', CL, 10_110, { stepId: 'email', foundBy: 'label' });

    const { aids, events } = await summary(db, {});
    expect(events).toBe(16);
    expect(aids).toHaveLength(1);
    const aid = aids[0]!;
    expect(aid).toMatchObject({ title: 'Checklist new-contact', kind: 'checklist', shown: 2 });
    expect(aid.steps.map((s) => s.stepId)).toEqual(['name', 'email', 'save']);
    const [name, email, save] = aid.steps;
    expect(name).toMatchObject({ doneManual: 2, doneAuto: 0, undone: 1, skipped: 0, reached: 2 });
    expect(email).toMatchObject({ doneAuto: 1, targetMissing: 1, targetHealed: 1, reached: 1 });
    expect(save!.skipped).toBe(7);
    expect(save!.topReasons).toEqual([
      { reason: 'Customer hung up', count: 2 },
      { reason: 'Not needed', count: 2 },
      { reason: 'Another', count: 1 },
    ]);
  });

  it('counts per field check: messages shown, corrected, saved anyway and why', async () => {
    const { db, add } = await setup();
    const FC = 'crm/contact-checks';
    await add('aid_shown', FC, 1000);
    await add('check_failed', FC, 1010, { stepId: 'refund' });
    await add('check_passed', FC, 1020, { stepId: 'refund' });
    await add('check_failed', FC, 1030, { stepId: 'refund' });
    await add('check_overridden', FC, 1040, { stepId: 'refund', reason: 'Manager approved' });
    await add('check_failed', FC, 1050, { stepId: 'refund' });
    await add('check_overridden', FC, 1060, { stepId: 'refund', reason: ' Manager  approved' });
    await add('check_failed', FC, 1070, { stepId: 'email' });
    await add('target_missing', FC, 1080, { stepId: 'email', failedSignals: ['css'] });
    // A check the installed aid no longer has keeps its counts, named by its id.
    await add('check_failed', FC, 1090, { stepId: 'postcode' });

    const { aids } = await summary(db, {});
    const aid = aids.find((a) => a.aidKey === FC)!;
    expect(aid).toMatchObject({ kind: 'checks', shown: 1, steps: [], runs: 0 });
    expect(aid.checks).toEqual([
      {
        checkId: 'email',
        message: 'Email!',
        failed: 1,
        corrected: 0,
        overridden: 0,
        topReasons: [],
        targetMissing: 1,
      },
      {
        checkId: 'refund',
        message: 'At most 500.',
        failed: 3,
        corrected: 1,
        overridden: 2,
        topReasons: [{ reason: 'Manager approved', count: 2 }],
        targetMissing: 0,
      },
      {
        checkId: 'postcode',
        message: 'postcode',
        failed: 1,
        corrected: 0,
        overridden: 0,
        topReasons: [],
        targetMissing: 0,
      },
    ]);
    const broken = await health(db, {});
    expect(broken.find((a) => a.aidKey === FC)!.targets).toMatchObject([
      { stepId: 'email', text: 'Field of the check “Email!”', missing: 1 },
    ]);
  });

  it('counts a walkthrough’s runs from each start: finished, stopped, and the funnel of steps', async () => {
    const { db, add } = await setup();
    const WT = 'crm/move';
    // Run 1: finished in 40 s. Run 2: stopped at "name". Run 3: started, nothing done.
    await add('aid_shown', WT, 1000);
    await add('walkthrough_started', WT, 1000);
    await add('step_shown', WT, 1010, { stepId: 'open' });
    await add('step_done', WT, 1020, { stepId: 'open', how: 'auto' });
    await add('step_done', WT, 21_020, { stepId: 'name', how: 'manual' });
    await add('step_skipped', WT, 31_020, { stepId: 'save' });
    await add('walkthrough_finished', WT, 41_020);
    await add('walkthrough_started', WT, 50_000);
    await add('step_done', WT, 50_010, { stepId: 'open', how: 'auto' });
    await add('walkthrough_abandoned', WT, 50_020, { stepId: 'name' });
    await add('walkthrough_started', WT, 60_000);

    const aid = (await summary(db, {})).aids.find((a) => a.aidKey === WT)!;
    expect(aid).toMatchObject({
      kind: 'walkthrough',
      runs: 3,
      started: 3,
      completed: 1,
      abandoned: 1,
      medianMsToComplete: 40_000,
    });
    expect(aid.steps.map((s) => [s.stepId, s.reached])).toEqual([
      ['open', 2],
      ['name', 1],
      ['save', 1],
    ]);
    expect(aid.completionRate).toBeCloseTo(1 / 3);
  });

  it('counts runs, started, completed, the completion rate and the median time', async () => {
    const { db, add } = await setup();
    await completeRun(add, 1000, 4000);
    await completeRun(add, 20_000, 6000);
    await completeRun(add, 40_000, 20_000);
    // Shown, never touched: a run, not started.
    await add('aid_shown', CL, 70_000);
    // A run over two page views (one progress): one run, started, not completed.
    await add('aid_shown', CL, 80_000);
    await add('aid_shown', CL, 90_000, { url: LIST });
    await add('step_done', CL, 90_010, { stepId: 'name', how: 'manual' });

    const aid = (await summary(db, {})).aids[0]!;
    expect(aid).toMatchObject({ shown: 6, completed: 3 });
    // Runs: 3 completed, then one run from 70 000 on (progress carries over until completed).
    expect(aid.runs).toBe(4);
    expect(aid.started).toBe(4);
    expect(aid.completionRate).toBe(0.75);
    expect(aid.medianMsToComplete).toBe(6000);
  });

  it('keeps only the events in the range (inclusive, on when the person acted)', async () => {
    const { db, add } = await setup();
    await completeRun(add, 1000, 4000);
    await add('aid_shown', CL, 50_000);
    await add('aid_shown', TIP, 60_000);
    await add('tip_opened', TIP, 60_001);
    await add('aid_dismissed', TIP, 90_000);

    const mid = await summary(db, { from: 50_000, to: 60_001 });
    expect(mid.events).toBe(3);
    expect(mid.aids.map((a) => [a.aidKey, a.shown])).toEqual([
      [CL, 1],
      [TIP, 1],
    ]);
    expect(mid.aids[1]).toMatchObject({ kind: 'tip', opened: 1, dismissed: 0 });
    // Aids without events in the range are left out.
    expect((await summary(db, { from: 61_000 })).aids.map((a) => a.aidKey)).toEqual([TIP]);
    expect((await summary(db, { to: 999 })).aids).toEqual([]);
  });

  it('still counts aids that are no longer installed, titled by their id', async () => {
    const { db, add } = await setup();
    await add('aid_shown', 'old/retired', 1000);
    await add('step_done', 'old/retired', 1001, { stepId: 'one', how: 'auto' });
    const aid = (await summary(db, {})).aids[0]!;
    expect(aid).toMatchObject({ title: 'retired', installed: false, kind: 'checklist' });
    expect(aid.steps).toMatchObject([{ stepId: 'one', doneAuto: 1 }]);
  });

  it('median of even and odd counts', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('insights.events', () => {
  it('exports the events in the range, oldest first, without other fields, up to a limit', async () => {
    const { db, add } = await setup();
    await add('aid_shown', CL, 2000);
    await add('aid_feedback', CL, 1000, { comment: 'Wrong steps' });
    await add('step_skipped', CL, 3000, { stepId: 'save', reason: 'Later' });
    const all = await exportEvents(db, {}, 10);
    expect(all.truncated).toBe(false);
    expect(all.events.map((e) => e.at)).toEqual([1000, 2000, 3000]);
    expect(JSON.stringify(all.events)).not.toContain('Wrong steps');
    expect(all.events[2]).toEqual({
      id: 'e-3',
      at: 3000,
      type: 'step_skipped',
      packId: 'crm',
      packVersion: '1.0.0',
      aidId: 'new-contact',
      stepId: 'save',
      reason: 'Later',
      url: FORM,
    });
    const some = await exportEvents(db, { from: 1500 }, 1);
    expect(some).toMatchObject({ truncated: true, events: [{ at: 2000 }] });
  });
});

describe('insights.health', () => {
  it('lists aids with target problems or feedback, most page views first, with signal counts', async () => {
    const { db, add } = await setup();
    // The checklist: a page view without problems, then one on the form with two targets
    // missing, and one elsewhere healed.
    await add('aid_shown', CL, 500);
    await add('aid_shown', CL, 1000);
    await add('target_missing', CL, 1001, { stepId: 'name', failedSignals: ['css', 'label'] });
    await add('target_missing', CL, 1002, { stepId: 'email', failedSignals: ['css'] });
    await add('aid_shown', CL, 2000, { url: LIST });
    await add('target_healed', CL, 2001, {
      stepId: 'email',
      url: LIST,
      foundBy: 'label',
      failedSignals: ['css'],
    });
    // The tip: never shown (its target is missing) on three page views.
    for (const at of [3000, 4000, 5000])
      await add('target_missing', TIP, at, { failedSignals: ['css'] });
    // Feedback only, on an aid no longer installed.
    await add('aid_feedback', 'old/retired', 6000, { comment: 'Out of date' });
    // An aid without problems is not listed.
    await add('aid_shown', 'crm/other', 7000);

    const aids = await health(db, {});
    expect(aids.map((a) => [a.aidKey, a.pageViews])).toEqual([
      [TIP, 3],
      [CL, 2],
      ['old/retired', 1],
    ]);
    const cl = aids[1]!;
    expect(cl).toMatchObject({
      missing: 2,
      healed: 1,
      lastSeen: 2001,
      failedSignals: { css: 3, label: 1 },
      foundBy: { label: 1 },
      urls: ['https://crm.example.com/contacts/*'],
      installed: true,
    });
    expect(cl.targets).toMatchObject([
      { stepId: 'name', text: 'Enter the name', missing: 1, failedSignals: { css: 1, label: 1 } },
      { stepId: 'email', missing: 1, healed: 1, foundBy: { label: 1 }, failedSignals: { css: 2 } },
    ]);
    expect(aids[0]!.targets).toMatchObject([{ text: 'The aid’s target', missing: 3 }]);
    expect(aids[2]).toMatchObject({
      installed: false,
      feedbackCount: 1,
      feedback: [{ at: 6000, url: FORM, comment: 'Out of date' }],
    });
  });

  it('orders ties in page views by the number of reports', async () => {
    const { db, add } = await setup();
    await add('target_missing', CL, 1000, { stepId: 'name' });
    await add('target_missing', TIP, 1000);
    await add('target_healed', TIP, 1001, { foundBy: 'text' });
    expect((await health(db, {})).map((a) => a.aidKey)).toEqual([TIP, CL]);
  });
});

describe('insights.health: rules that can never hold', () => {
  it('counts rule_unworkable per step and problem, names the rule, and lists the aid', async () => {
    const { db, add } = await setup();
    await installPack(
      db,
      pack('ops', '1.0.0', [
        checklist('close', ['https://crm.example.com/*'], {
          steps: [
            {
              id: 'notes',
              text: 'Write the notes',
              done: { type: 'filled', target: { css: '.n' } },
            },
            { id: 'ok', text: 'Tick **done**', done: { type: 'checked', target: { css: '#ok' } } },
          ],
        }),
      ]),
    );
    await add('aid_shown', 'ops/close', 1000);
    await add('rule_unworkable', 'ops/close', 1001, { stepId: 'notes', problem: 'no_value' });
    await add('aid_shown', 'ops/close', 2000);
    await add('rule_unworkable', 'ops/close', 2001, { stepId: 'notes', problem: 'no_value' });
    await add('rule_unworkable', 'ops/close', 2002, { stepId: 'ok', problem: 'no_checked_state' });

    const [aid] = await health(db, {});
    expect(aid).toMatchObject({
      aidKey: 'ops/close',
      unworkable: 3,
      missing: 0,
      pageViews: 2,
      lastSeen: 2002,
    });
    expect(aid!.targets).toEqual([
      expect.objectContaining({
        stepId: 'notes',
        text: 'Write the notes',
        rule: 'filled',
        unworkable: { no_value: 2 },
        missing: 0,
      }),
      expect.objectContaining({
        stepId: 'ok',
        text: 'Tick done',
        rule: 'checked',
        unworkable: { no_checked_state: 1 },
      }),
    ]);
  });
});

describe('insights messages through the router', () => {
  it('validates bounds, answers extension pages only, and counts aids needing attention', async () => {
    const { db, add } = await setup();
    const now = 100 * 24 * 3600 * 1000;
    const deps: RouterDeps = {
      db,
      runtime: { id: EXT_ID, getURL: (path) => `chrome-extension://${EXT_ID}${path}` },
      tabs: { query: async () => [], sendMessage: async () => ({}) },
      now: () => now,
    };
    const popup = { id: EXT_ID, url: `chrome-extension://${EXT_ID}/popup.html` };
    const page = { id: EXT_ID, url: FORM, tab: { id: 1, url: FORM } };
    await add('target_missing', CL, now - 8 * 24 * 3600 * 1000, { stepId: 'name' });
    await add('aid_feedback', TIP, now - 3600 * 1000);

    expect(await handleMessage({ type: 'insights.brokenCount' }, popup, deps)).toEqual({
      count: 1,
    });
    expect(await handleMessage({ type: 'insights.brokenCount' }, page, deps)).toEqual({
      error: expect.stringContaining('refused'),
    });
    expect(await handleMessage({ type: 'insights.events', limit: 100_001 }, popup, deps)).toEqual({
      error: expect.stringContaining('limit'),
    });
    expect(await handleMessage({ type: 'insights.summary', from: -1 }, popup, deps)).toEqual({
      error: expect.stringContaining('from'),
    });
    const res = await handleMessage({ type: 'insights.health' }, popup, deps);
    expect((res as { aids: unknown[] }).aids).toHaveLength(2);
  });
});
