/**
 * The hub's fleet Health view over `GET /api/insights/health` (src/protocol/fleet-health.ts):
 * the alerts first, then the aids whose targets went missing or were found only by weaker
 * signals, most people affected first, per target the counts and the signals that failed,
 * then what staff wrote with "Report a problem". Built from the same parts as the options
 * page's Health view (src/insights-ui/health-*.tsx). Rows counted from fewer than the hub's
 * `minGroup` people say "fewer than 5 people" and show no counts.
 */
import '../../../insights-ui/insights.css';
import { useEffect, useId, useState } from 'preact/hooks';
import { countsText, type Dates, plural, presetDates } from '../../../insights-ui/format';
import { HealthCard, HealthList } from '../../../insights-ui/health-card';
import { FeedbackList } from '../../../insights-ui/health-feedback';
import { Facts, Figures, When } from '../../../insights-ui/health-figures';
import { TargetsTable } from '../../../insights-ui/health-targets';
import { PeriodFilter } from '../../../insights-ui/PeriodFilter';
import type { FleetGroup } from '../../../protocol/fleet';
import type {
  FleetAidHealth,
  FleetAlert,
  FleetHealth as Health,
} from '../../../protocol/fleet-health';
import type { PackNamesAnswer } from '../../../protocol/packs';
import type { HubGet } from '../get';
import { type Names, NO_NAMES, namesOf } from '../names';

export const EMPTY_FLEET_HEALTH =
  'Nothing broken in this period. Aids whose targets go missing on staff pages, or that staff report as wrong, will show here.';

type Load =
  | { phase: 'loading' }
  | { phase: 'ready'; health: Health }
  | { phase: 'error'; message: string };

/** The API path for a period: UTC days, inclusive; an open bound is left out. */
export function healthPath(dates: Dates): string {
  const q = new URLSearchParams();
  if (dates.from) q.set('from', dates.from);
  if (dates.to) q.set('to', dates.to);
  const s = q.toString();
  return `/api/insights/health${s ? `?${s}` : ''}`;
}

/** A UTC day for people, with its machine-readable value. */
const day = (d: string) => ({
  dateTime: d,
  text: new Date(`${d}T00:00:00Z`).toLocaleDateString(undefined, {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }),
});

const fewer = (g: FleetGroup) => `fewer than ${g.fewerThan} people`;
/** A count of a row, or "—" when the row is hidden. */
const n = (value: number | null) => (value === null ? '—' : value);

/** An aid as people know it: its title from the published pack, with its key; else the key. */
const aidName = (names: Names, aidKey: string) => {
  const title = names.aid(aidKey)?.title;
  return title ? `${title} (${aidKey})` : aidKey;
};

/** A target: the step's text from the published pack, else its id. */
const targetName = (names: Names, aidKey: string, stepId: string | null) => {
  if (stepId === null) return 'The aid’s own target';
  const text = names.aid(aidKey)?.steps.get(stepId);
  return text ? `Step “${text}”` : `Step ${stepId}`;
};

export function FleetHealth({ get }: { get: HubGet }) {
  const [dates, setDates] = useState<Dates>(() => presetDates('last7', Date.now()));
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [names, setNames] = useState<Names>(NO_NAMES);

  // Words for the ids, from the published packs; without them the ids are shown.
  useEffect(() => {
    get<PackNamesAnswer>('/api/packs').then(
      (answer) => Array.isArray(answer?.packs) && setNames(namesOf(answer.packs)),
      () => {},
    );
  }, [get]);

  useEffect(() => {
    let current = true;
    setLoad({ phase: 'loading' });
    get<Health>(healthPath(dates)).then(
      (health) => current && setLoad({ phase: 'ready', health }),
      (e: Error) => current && setLoad({ phase: 'error', message: e.message }),
    );
    return () => {
      current = false;
    };
  }, [get, dates]);

  return (
    <div class="insights health">
      <p class="help">
        Targets that browsers across the organisation did not find on staff pages, or found only by
        weaker signals because their selector no longer matched, and what staff wrote with “Report a
        problem”. Each page view reports a target at most once, so “Missing” counts page views. The
        aids that affected the most people come first.
        {load.phase === 'ready' &&
          ` Counts from fewer than ${load.health.minGroup} people are not shown.`}
      </p>
      <PeriodFilter dates={dates} now={Date.now()} onChange={setDates} />
      {load.phase === 'loading' && <p aria-busy="true">Loading…</p>}
      {load.phase === 'error' && (
        <p class="error" role="alert">
          Could not read the fleet’s health: {load.message}
        </p>
      )}
      {load.phase === 'ready' && <Ready health={load.health} names={names} />}
    </div>
  );
}

function Ready({ health, names }: { health: Health; names: Names }) {
  const id = useId();
  return (
    <>
      <section class="alerts" aria-labelledby={`${id}-alerts`}>
        <h2 id={`${id}-alerts`}>Alerts</h2>
        {health.alerts.length === 0 ? (
          <p class="muted">
            No alerts in this period. A target is in alert on a day when it was missing for at least
            2 people and in more than half of the page views that showed its aid.
          </p>
        ) : (
          <ul class="alert-list">
            {health.alerts.map((a) => (
              <AlertItem key={`${a.day}-${a.aidKey}-${a.stepId ?? ''}`} alert={a} names={names} />
            ))}
          </ul>
        )}
      </section>
      {health.aids.length === 0 ? (
        <p class="empty">{EMPTY_FLEET_HEALTH}</p>
      ) : (
        <HealthList
          summary={`${plural(health.aids.length, 'aid', 'aids')} had target problems or reports in this period.`}
        >
          {health.aids.map((aid) => (
            <AidItem
              key={`${aid.packId}-${aid.aidKey}`}
              aid={aid}
              names={names}
              retentionDays={health.retentionDays}
            />
          ))}
        </HealthList>
      )}
    </>
  );
}

function AlertItem({ alert, names }: { alert: FleetAlert; names: Names }) {
  const counts =
    alert.fewerThan === null
      ? `missing for ${alert.people} people, in ${alert.missing} of ${alert.views} page views`
      : `missing for ${fewer(alert)}, in more than half of the page views`;
  return (
    <li>
      <When {...day(alert.day)} />:{' '}
      {targetName(names, alert.aidKey, alert.stepId).replace(/^./, (c) => c.toLowerCase())} of{' '}
      {aidName(names, alert.aidKey)} {counts}.{' '}
      <span class="muted">
        {alert.deliveredAt ? 'Sent to the webhook.' : 'Not sent to a webhook.'}
      </span>
    </li>
  );
}

function AidItem({
  aid,
  names,
  retentionDays,
}: {
  aid: FleetAidHealth;
  names: Names;
  retentionDays: number;
}) {
  const hidden = aid.fewerThan !== null;
  const title = aidName(names, aid.aidKey);
  return (
    <HealthCard title={title}>
      <Figures
        items={[
          { label: 'People affected', value: hidden ? fewer(aid) : n(aid.missingPeople) },
          { label: 'Target missing', value: n(aid.missing) },
          { label: 'Found by weaker signals', value: n(aid.healed) },
          { label: 'Staff reports', value: n(aid.feedback) },
          { label: 'Last seen', value: <When {...day(aid.lastSeen)} /> },
        ]}
      />
      <Facts
        items={[
          { label: 'Pack', value: aid.packId },
          {
            label: 'Signals that failed',
            value: aid.failedSignals ? countsText(aid.failedSignals) : '—',
          },
          { label: 'Found instead by', value: aid.foundBy ? countsText(aid.foundBy) : '—' },
        ]}
      />
      {aid.targets.length > 0 && (
        <TargetsTable
          caption={<>Targets of {title} that staff pages reported</>}
          withPeople
          rows={aid.targets.map((t) => ({
            key: t.stepId ?? '',
            name: targetName(names, aid.aidKey, t.stepId),
            people: t.fewerThan === null ? n(t.missingPeople) : fewer(t),
            missing: n(t.missing),
            healed: n(t.healed),
            failedSignals: t.failedSignals ? countsText(t.failedSignals) : '—',
            foundBy: t.foundBy ? countsText(t.foundBy) : '—',
            lastSeen: day(t.lastSeen),
          }))}
        />
      )}
      {aid.comments.length > 0 && (
        <>
          <FeedbackList
            heading="Comments from staff"
            items={aid.comments.map((c, i) => ({
              key: `${i}-${c.day}`,
              comment: c.comment,
              when: day(c.day),
              url: c.url,
              ...(c.stepId ? { step: c.stepId } : {}),
            }))}
          />
          <p class="muted">
            {aid.commentCount > aid.comments.length
              ? `The newest ${aid.comments.length} of ${aid.commentCount} comments. `
              : ''}
            Comments are kept {retentionDays} days.
          </p>
        </>
      )}
    </HealthCard>
  );
}
