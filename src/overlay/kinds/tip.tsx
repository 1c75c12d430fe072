/**
 * Tip aids: a small beacon next to a field; hovering or focusing it opens the tip, Escape
 * closes it, "Dismiss tip" hides it for good. Positioned by ../position.ts, which follows
 * scrolling and resizing without polling.
 */
import { useEffect, useRef } from 'preact/hooks';
import { conditionHolds } from '../../aids/conditions';
import type { TipAid } from '../../aids/schema';
import { isRendered } from '../../aids/target';
import type { ActiveAid, AidStatus } from '../../protocol/messages';
import { byPerson, isPerson } from '../person';
import { domId } from '../views/dom-id';
import { Markdown } from '../views/Markdown';
import markdownCss from '../views/markdown.css?inline';
import bubbleCss from './bubble.css?inline';
import { Feedback } from './feedback';
import feedbackCss from './feedback.css?inline';
import tipCss from './tip.css?inline';
import type { AidController, AidKindModule, SessionEnv, Views } from './types';
import { useAnchored } from './use-anchored';

export class TipController implements AidController {
  readonly key: string;
  readonly aid: TipAid;
  visible = false;
  open = false;
  element: Element | null = null;
  dismissed: boolean;
  missing = false;
  /** A feedback form is open in the tip: it stays open until the form is done. */
  pinned = false;
  /** The person asked for the tip (help panel): its beacon takes focus once drawn. */
  focus = false;
  private shown = false;
  private openedRecorded = false;

  constructor(
    active: ActiveAid & { aid: TipAid },
    readonly env: SessionEnv,
  ) {
    this.key = active.key;
    this.aid = active.aid;
    this.dismissed = Boolean(active.progress?.dismissedAt);
  }

  update(): void {
    // A tip on an element in an iframe is shown by the overlay in that frame, next to it.
    if (this.dismissed || this.aid.target.frame) return;
    const { env } = this;
    const r = env.resolve(this.aid.target);
    const element = r.element && isRendered(r.element) ? r.element : null;
    const visible =
      element !== null && (this.aid.match.when ?? []).every((c) => conditionHolds(c, env.resolve));
    this.missing = !r.element && env.settled;
    env.reportTarget(this.key, undefined, this.aid.target, r, this.missing);
    if (visible && !this.shown) {
      this.shown = true;
      env.record({ type: 'aid_shown', aidKey: this.key });
    }
    if (visible !== this.visible || element !== this.element) {
      this.visible = visible;
      this.element = element;
      if (!visible) this.open = false;
      env.render();
    }
  }

  leave(): null {
    return null;
  }

  setOpen(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    if (!open) this.pinned = false;
    if (open && !this.openedRecorded) {
      this.openedRecorded = true;
      this.env.record({ type: 'tip_opened', aidKey: this.key });
    }
    this.env.render();
  }

  /** From the help panel: opens the tip (even one dismissed before) and focuses it. */
  reveal(): boolean {
    if (this.dismissed) {
      this.dismissed = false;
      this.update();
    }
    if (!this.visible) return false;
    this.focus = true;
    this.setOpen(true);
    return true;
  }

  dismiss(): void {
    this.dismissed = true;
    this.visible = false;
    this.open = false;
    this.env.record({ type: 'aid_dismissed', aidKey: this.key });
    this.env.announce(`Tip dismissed: ${this.aid.title}`);
    this.env.render();
  }

  views(): Views {
    return this.visible && this.element
      ? { float: <TipView key={this.key} c={this} anchor={this.element} /> }
      : {};
  }

  status(): AidStatus {
    return {
      key: this.key,
      title: this.aid.title,
      kind: 'tip',
      done: this.dismissed ? 1 : 0,
      skipped: 0,
      total: 1,
      missing: this.missing ? 1 : 0,
    };
  }

  targets(): Element[] {
    return this.visible && this.element ? [this.element] : [];
  }

  dispose(): void {}
}

function TipView({ c, anchor }: { c: TipController; anchor: Element }) {
  const beacon = useAnchored(anchor, c.aid.placement ?? 'right', 8);
  const bubble = useAnchored(c.open ? beacon.current : null, 'bottom', 6);
  const closeTimer = useRef<ReturnType<typeof setTimeout>>();
  const id = `${domId(c.key)}-tip`;
  const name = `Tip: ${c.aid.title}`;

  // Escape closes an open tip wherever focus is (WCAG 1.4.13), without stealing the key
  // from the page when no tip is open.
  useEffect(() => {
    if (!c.open) return;
    const onKey = (e: KeyboardEvent) => {
      // With the feedback form open, Escape is the form's: it cancels the form only.
      if (e.key === 'Escape' && !c.pinned && isPerson(e)) c.setOpen(false);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [c.open]);

  useEffect(() => {
    if (!c.focus) return;
    c.focus = false;
    beacon.current?.focus();
  });

  // Opening records tip_opened: only a person's pointer, key or focus opens the tip (a
  // script's focus() on the beacon does not). Any focus inside keeps an open tip open, such
  // as ours when the feedback form closes and gives focus back to its button.
  const openNow = (e: Event) => {
    clearTimeout(closeTimer.current);
    if (isPerson(e)) c.setOpen(true);
  };
  const closeSoon = () => {
    clearTimeout(closeTimer.current);
    closeTimer.current = setTimeout(() => c.pinned || c.setOpen(false), 300);
  };
  const onBlur = (e: FocusEvent) => {
    const next = e.relatedTarget as Node | null;
    if (!next || !(e.currentTarget as Element).getRootNode().contains(next)) closeSoon();
  };

  return (
    <>
      <button
        ref={beacon as preact.Ref<HTMLButtonElement>}
        type="button"
        class="beacon is-new"
        aria-label={name}
        aria-expanded={c.open}
        aria-controls={id}
        onMouseEnter={openNow}
        onMouseLeave={closeSoon}
        onFocus={openNow}
        onBlur={onBlur}
        onClick={byPerson(() => c.setOpen(!c.open))}
      >
        <span aria-hidden="true">?</span>
      </button>
      {c.open && (
        <div
          ref={bubble as preact.Ref<HTMLDivElement>}
          id={id}
          class="bubble"
          role="dialog"
          aria-label={name}
          onMouseEnter={openNow}
          onMouseLeave={closeSoon}
          onFocusIn={openNow}
          onFocusOut={onBlur}
        >
          <h2>{c.aid.title}</h2>
          <Markdown text={c.aid.text} />
          <button type="button" onClick={byPerson(() => c.dismiss())}>
            Dismiss tip
          </button>
          <Feedback
            env={c.env}
            aidKey={c.key}
            title={c.aid.title}
            id={id}
            onOpen={(open) => {
              c.pinned = open;
            }}
          />
        </div>
      )}
    </>
  );
}

export const tipKind: AidKindModule<TipAid> = {
  kind: 'tip',
  create: (active, env) => new TipController(active, env),
  styles: [markdownCss, feedbackCss, bubbleCss, tipCss],
};
