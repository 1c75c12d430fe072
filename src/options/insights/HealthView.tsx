/**
 * The "Health" view of the options page: aids whose targets broke, and staff feedback. Its
 * parts (card, figures, targets table, feedback) are in src/insights-ui/health-*.tsx, shared
 * with the hub's fleet Health page.
 */
import '../../insights-ui/insights.css';
import { useEffect, useState } from 'preact/hooks';
import { describeRuleProblem } from '../../aids/explain-target';
import {
  countsText,
  type Dates,
  plural,
  presetDates,
  rangeOf,
  timeText,
} from '../../insights-ui/format';
import { HealthCard, HealthList } from '../../insights-ui/health-card';
import { FeedbackList } from '../../insights-ui/health-feedback';
import { Facts, Figures, When } from '../../insights-ui/health-figures';
import { TargetsTable } from '../../insights-ui/health-targets';
import { PeriodFilter } from '../../insights-ui/PeriodFilter';
import type { AidHealth, TargetHealth } from '../../protocol/insights';
import { browserInsightsDeps, type InsightsDeps } from './deps';

export const EMPTY_HEALTH =
  'Nothing broken. Aids whose targets go missing on staff pages, or that staff flag as wrong, will show here.';

/** The editor of one aid in the "Aids" view. */
export const editorHref = (aidKey: string) => `#aids/edit/${encodeURIComponent(aidKey)}`;

type Load =
  | { phase: 'loading' }
  | { phase: 'ready'; aids: AidHealth[] }
  | { phase: 'error'; message: string };

export function HealthView({
  deps = browserInsightsDeps,
  now = Date.now,
}: {
  deps?: InsightsDeps;
  now?: () => number;
}) {
  // The same 7 days as the popup's "aids need attention".
  const [dates, setDates] = useState<Dates>(() => presetDates('last7', now()));
  const [load, setLoad] = useState<Load>({ phase: 'loading' });

  useEffect(() => {
    let current = true;
    setLoad({ phase: 'loading' });
    deps.health(rangeOf(dates)).then(
      ({ aids }) => current && setLoad({ phase: 'ready', aids }),
      (e: Error) => current && setLoad({ phase: 'error', message: e.message }),
    );
    return () => {
      current = false;
    };
  }, [deps, dates]);

  return (
    <div class="insights health">
      <p class="help">
        Aids whose targets were not found on staff pages, were found only by weaker signals (their
        selector no longer matched), whose steps cannot tick themselves off (the completion rule can
        never hold on the element found), or that staff flagged as wrong. The aids that affect the
        most page views come first, then those with the most reports: Inflow records no one’s
        identity, and each browser is one person, so page views stand in for people.
      </p>
      <PeriodFilter dates={dates} now={now()} onChange={setDates} />
      {load.phase === 'loading' && <p aria-busy="true">Loading…</p>}
      {load.phase === 'error' && (
        <p class="error" role="alert">
          Could not read the health of the aids: {load.message}
        </p>
      )}
      {load.phase === 'ready' &&
        (load.aids.length === 0 ? (
          <p class="empty">{EMPTY_HEALTH}</p>
        ) : (
          <HealthList
            summary={`${plural(load.aids.length, 'aid needs', 'aids need')} attention in this period.`}
          >
            {load.aids.map((aid) => (
              <HealthItem key={aid.aidKey} aid={aid} />
            ))}
          </HealthList>
        ))}
    </div>
  );
}

/** One sentence per problem a step's completion rule had, with how often it was reported. */
function ruleSentences(t: TargetHealth): string[] {
  return Object.entries(t.unworkable ?? {}).map(
    ([problem, n]) =>
      `${describeRuleProblem(problem, t.rule)} Reported on ${plural(n, 'page view', 'page views')}.`,
  );
}

function HealthItem({ aid }: { aid: AidHealth }) {
  const broken = aid.targets.filter((t) => t.missing || t.healed);
  const unworkable = aid.targets.filter((t) => t.unworkable);
  const when = (ms: number) => ({ dateTime: new Date(ms).toISOString(), text: timeText(ms) });
  return (
    <HealthCard
      title={aid.title}
      action={(headingId) =>
        aid.installed ? (
          <a class="fix" href={editorHref(aid.aidKey)} aria-describedby={headingId}>
            Fix in the editor
          </a>
        ) : (
          <span class="muted">No longer installed</span>
        )
      }
    >
      <Figures
        items={[
          { label: 'Page views affected', value: aid.pageViews },
          { label: 'Target missing', value: aid.missing },
          { label: 'Found by weaker signals', value: aid.healed },
          ...(aid.unworkable
            ? [{ label: 'Rules that can never hold', value: aid.unworkable }]
            : []),
          { label: 'Staff feedback', value: aid.feedbackCount },
          { label: 'Last seen', value: <When {...when(aid.lastSeen)} /> },
        ]}
      />
      <Facts
        items={[
          {
            label: 'Pages it applies to',
            value: aid.urls.length ? (
              <ul class="urls">
                {aid.urls.map((u) => (
                  <li key={u} class="url">
                    {u}
                  </li>
                ))}
              </ul>
            ) : (
              '—'
            ),
          },
          { label: 'Signals that failed', value: countsText(aid.failedSignals) },
          { label: 'Found instead by', value: countsText(aid.foundBy) },
        ]}
      />
      {broken.length > 0 && (
        <TargetsTable
          caption={<>Targets of “{aid.title}” that staff pages reported</>}
          rows={broken.map((t) => ({
            key: t.stepId ?? '',
            name: t.text,
            missing: t.missing,
            healed: t.healed,
            failedSignals: countsText(t.failedSignals),
            foundBy: countsText(t.foundBy),
            lastSeen: when(t.lastSeen),
          }))}
        />
      )}
      {unworkable.length > 0 && (
        <>
          <h3>Steps that cannot tick themselves off</h3>
          <ul class="unworkable">
            {unworkable.map((t) => (
              <li key={t.stepId ?? ''}>
                <p>
                  <strong>{t.text}</strong>
                </p>
                {ruleSentences(t).map((sentence) => (
                  <p key={sentence}>{sentence}</p>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
      {aid.feedback.length > 0 && (
        <FeedbackList
          items={aid.feedback.map((f) => ({
            key: `${f.at}-${f.url}`,
            comment: f.comment,
            when: when(f.at),
            url: f.url,
          }))}
        />
      )}
    </HealthCard>
  );
}
