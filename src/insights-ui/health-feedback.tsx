/**
 * What staff wrote with "Report a problem", shared by the options page and the hub's page.
 * Their words are data: rendered as text, never as markup.
 */
import { When } from './health-figures';

export interface FeedbackRow {
  key: string;
  /** As typed; undefined for a report without a comment. */
  comment?: string;
  when: { dateTime: string; text: string };
  url: string;
  /** The step the person was on, in words, if any. */
  step?: string;
}

export const NO_COMMENT = 'Flagged as wrong or out of date, no comment.';

export function FeedbackList({
  items,
  heading = 'Feedback from staff',
}: {
  items: FeedbackRow[];
  heading?: string;
}) {
  return (
    <>
      <h3>{heading}</h3>
      <ul class="feedback">
        {items.map((f) => (
          <li key={f.key}>
            <p class="comment">{f.comment ?? NO_COMMENT}</p>
            <p class="muted">
              <When {...f.when} /> on <span class="url">{f.url}</span>
              {f.step ? <> (step {f.step})</> : null}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
