/** The "Health" view of the options page: aids whose targets broke, and staff feedback. */
import '../../insights-ui/insights.css';
import { useEffect, useId, useState } from 'preact/hooks';
import { describeRuleProblem } from '../../aids/explain-target';
import {
  countsText,
  type Dates,
  plural,
  presetDates,
  rangeOf,
  timeText,
} from '../../insights-ui/format';
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
          <>
            <p class="muted">
              {plural(load.aids.length, 'aid needs', 'aids need')} attention in this period.
            </p>
            <ol class="health-list">
              {load.aids.map((aid) => (
                <HealthItem key={aid.aidKey} aid={aid} />
              ))}
            </ol>
          </>
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
  const id = useId();
  const lastSeen = new Date(aid.lastSeen);
  const broken = aid.targets.filter((t) => t.missing || t.healed);
  const unworkable = aid.targets.filter((t) => t.unworkable);
  return (
    <li class="health-item">
      <section aria-labelledby={`${id}-h`}>
        <div class="health-head">
          <h2 id={`${id}-h`}>{aid.title}</h2>
          {aid.installed ? (
            <a class="fix" href={editorHref(aid.aidKey)} aria-describedby={`${id}-h`}>
              Fix in the editor
            </a>
          ) : (
            <span class="muted">No longer installed</span>
          )}
        </div>
        <dl class="figures">
          <div>
            <dt>Page views affected</dt>
            <dd>{aid.pageViews}</dd>
          </div>
          <div>
            <dt>Target missing</dt>
            <dd>{aid.missing}</dd>
          </div>
          <div>
            <dt>Found by weaker signals</dt>
            <dd>{aid.healed}</dd>
          </div>
          {aid.unworkable ? (
            <div>
              <dt>Rules that can never hold</dt>
              <dd>{aid.unworkable}</dd>
            </div>
          ) : null}
          <div>
            <dt>Staff feedback</dt>
            <dd>{aid.feedbackCount}</dd>
          </div>
          <div>
            <dt>Last seen</dt>
            <dd>
              <time dateTime={lastSeen.toISOString()}>{timeText(aid.lastSeen)}</time>
            </dd>
          </div>
        </dl>
        <dl class="facts">
          <dt>Pages it applies to</dt>
          <dd>
            {aid.urls.length ? (
              <ul class="urls">
                {aid.urls.map((u) => (
                  <li key={u} class="url">
                    {u}
                  </li>
                ))}
              </ul>
            ) : (
              '—'
            )}
          </dd>
          <dt>Signals that failed</dt>
          <dd>{countsText(aid.failedSignals)}</dd>
          <dt>Found instead by</dt>
          <dd>{countsText(aid.foundBy)}</dd>
        </dl>
        {broken.length > 0 && (
          <div class="table-wrap">
            <table class="targets">
              <caption>Targets of “{aid.title}” that staff pages reported</caption>
              <thead>
                <tr>
                  <th scope="col">Target</th>
                  <th scope="col">Missing</th>
                  <th scope="col">Found by weaker signals</th>
                  <th scope="col">Signals that failed</th>
                  <th scope="col">Found by</th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {broken.map((t) => (
                  <tr key={t.stepId ?? ''}>
                    <th scope="row">{t.text}</th>
                    <td>{t.missing}</td>
                    <td>{t.healed}</td>
                    <td>{countsText(t.failedSignals)}</td>
                    <td>{countsText(t.foundBy)}</td>
                    <td>
                      <time dateTime={new Date(t.lastSeen).toISOString()}>
                        {timeText(t.lastSeen)}
                      </time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
          <>
            <h3>Feedback from staff</h3>
            <ul class="feedback">
              {aid.feedback.map((f) => (
                <li key={`${f.at}-${f.url}`}>
                  <p class="comment">
                    {f.comment ?? 'Flagged as wrong or out of date, no comment.'}
                  </p>
                  <p class="muted">
                    <time dateTime={new Date(f.at).toISOString()}>{timeText(f.at)}</time> on{' '}
                    <span class="url">{f.url}</span>
                  </p>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </li>
  );
}
