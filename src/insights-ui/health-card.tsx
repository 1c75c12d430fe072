/**
 * Parts of the Health views shared by the options page (src/options/insights/HealthView.tsx)
 * and the hub's page (src/hub/web/pages/FleetHealth.tsx): the list of aids and one aid's
 * card, a section named by its heading, with an action (a link) beside the heading.
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/** "2 aids need attention in this period." and the list of cards. */
export function HealthList({
  summary,
  children,
}: {
  summary: string;
  children: ComponentChildren;
}) {
  return (
    <>
      <p class="muted">{summary}</p>
      <ol class="health-list">{children}</ol>
    </>
  );
}

/** One aid: a list item holding a section labelled by its h2. */
export function HealthCard({
  title,
  action,
  children,
}: {
  title: ComponentChildren;
  /** Beside the heading; gets the heading's id for aria-describedby. */
  action?: (headingId: string) => ComponentChildren;
  children: ComponentChildren;
}) {
  const id = useId();
  return (
    <li class="health-item">
      <section aria-labelledby={`${id}-h`}>
        <div class="health-head">
          <h2 id={`${id}-h`}>{title}</h2>
          {action?.(`${id}-h`)}
        </div>
        {children}
      </section>
    </li>
  );
}
