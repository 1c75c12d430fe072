/**
 * Walkthroughs: ordered steps, each a popover next to its target, that move on when the
 * step's completion rule holds or on Next; Back goes to the step before. Steps may be on
 * different pages (`urls`): the walkthrough waits on the others and says where the step is,
 * and it resumes on the right step after a navigation or a reload, from the progress the
 * background keeps (the first step neither done nor skipped is the current one).
 *
 * Non-modal: the page stays usable, focus is never trapped, and it moves into the popover
 * only when the person pressed one of the walkthrough's own buttons. A step whose target is
 * not found once the page settled offers to go on without it (recorded as skipped, and the
 * target as missing): a broken step never strands anyone.
 */
import { useEffect, useRef } from 'preact/hooks';
import { type CompletionMemory, completionHolds, conditionHolds } from '../../aids/conditions';
import type { WalkthroughAid, WalkthroughStep } from '../../aids/schema';
import { isRendered } from '../../aids/target';
import { testUrlPattern } from '../../aids/url-match';
import type { ActiveAid, AidStatus, StepState } from '../../protocol/messages';
import { eventWithin } from '../dom-watch';
import { byPerson, isPerson } from '../person';
import { domId } from '../views/dom-id';
import { Markdown } from '../views/Markdown';
import markdownCss from '../views/markdown.css?inline';
import bubbleCss from './bubble.css?inline';
import type { AidController, AidKindModule, SessionEnv, Views } from './types';
import { useAnchored } from './use-anchored';
import walkthroughCss from './walkthrough.css?inline';

type Phase = 'ready' | 'running' | 'finished' | 'stopped';

export class WalkthroughController implements AidController {
  readonly key: string;
  readonly aid: WalkthroughAid;
  visible = false;
  phase: Phase;
  /** Each step's state, as the background keeps it: done, skipped or none yet. */
  states: (StepState | undefined)[];
  /** The current step's element on this page, when it is on this page and found. */
  element: Element | null = null;
  /** The current step is on this page and its target was not found once the page settled. */
  missing = false;
  /** The person pressed one of our buttons: the next step's view takes focus. */
  focusNext = false;
  private memory: CompletionMemory = { clicked: false, seen: false };
  private readonly shownSteps = new Set<string>();
  private shown = false;
  /** A draft an author previews: shown, never recorded. */
  readonly preview: boolean;

  constructor(
    active: ActiveAid & { aid: WalkthroughAid },
    readonly env: SessionEnv,
  ) {
    this.key = active.key;
    this.aid = active.aid;
    this.preview = !!active.preview;
    const p = active.progress;
    this.states = this.aid.steps.map((s) => p?.steps[s.id]);
    this.phase = p?.completedAt ? 'finished' : p?.dismissedAt ? 'stopped' : p ? 'running' : 'ready';
    // Once per person: any progress at all (started, finished or stopped) means it was met.
    if (this.phase === 'ready' && this.aid.start === 'auto' && !this.preview) this.begin(false);
  }

  /** The index of the current step: the first neither done nor skipped; -1 past the last. */
  current(): number {
    return this.states.findIndex((s) => !s);
  }

  /** True if `step` is on the page this session is for. */
  isHere(step: WalkthroughStep): boolean {
    return !step.urls || step.urls.some((p) => testUrlPattern(p, this.env.url));
  }

  update(): void {
    const { env } = this;
    const visible = (this.aid.match.when ?? []).every((c) => conditionHolds(c, env.resolve));
    let changed = visible !== this.visible;
    this.visible = visible;
    if (!visible) {
      if (changed) env.render();
      return;
    }
    if (!this.shown) {
      this.shown = true;
      env.record({ type: 'aid_shown', aidKey: this.key });
    }
    changed = this.follow() || changed;
    if (changed) env.render();
  }

  /** Finds the current step's target, shows the step, and moves on when its rule holds. */
  private follow(): boolean {
    const { env } = this;
    const before = [this.element, this.missing, this.phase] as const;
    this.element = null;
    this.missing = false;
    const i = this.current();
    const step = this.aid.steps[i];
    // A step done by reaching a page is done on that page, which is not its own: after a
    // full page load the new page's session sees the address.
    if (this.phase === 'running' && step?.done?.type === 'url') {
      if (completionHolds(step.done, env.resolve, env.url, this.memory)) {
        this.advance('auto');
        return this.follow() || true;
      }
    }
    if (this.phase === 'running' && step && this.isHere(step)) {
      if (step.target) {
        const r = env.resolve(step.target);
        this.element = r.element && isRendered(r.element) ? r.element : null;
        this.missing = !r.element && env.settled;
        env.reportTarget(this.key, step.id, step.target, r, this.missing);
      }
      if ((this.element || !step.target) && !this.shownSteps.has(step.id)) {
        this.shownSteps.add(step.id);
        env.record({ type: 'step_shown', aidKey: this.key, stepId: step.id });
      }
      if (step.done && completionHolds(step.done, env.resolve, env.url, this.memory)) {
        this.advance('auto');
        return this.follow() || true;
      }
    }
    return before[0] !== this.element || before[1] !== this.missing || before[2] !== this.phase;
  }

  /** A person's click on the current step's `clicked` target, while it is dispatched. */
  click(event: Event): void {
    const step = this.aid.steps[this.current()];
    if (this.phase !== 'running' || step?.done?.type !== 'clicked' || !isPerson(event)) return;
    const el = this.env.resolve(step.done.target).element;
    if (el && eventWithin(event, el)) this.memory.clicked = true;
  }

  leave(url: string, unloading = false): null {
    // A `url` step is done by going there (as checklists' are); an unloading page sends one
    // message only, so only navigations within the page complete it.
    const step = this.aid.steps[this.current()];
    if (!unloading && this.phase === 'running' && step?.done?.type === 'url') {
      if (testUrlPattern(step.done.pattern, url)) this.advance('auto');
    }
    return null;
  }

  /**
   * Starts, or starts again (walkthrough_started begins a new run in the background's
   * progress): `byPerson` when the person pressed Start, not when it starts by itself.
   */
  begin(byPerson = true): void {
    this.states = this.aid.steps.map(() => undefined);
    this.memory = { clicked: false, seen: false };
    this.phase = 'running';
    this.focusNext = byPerson;
    this.env.record({ type: 'walkthrough_started', aidKey: this.key });
    this.env.announce(`Walkthrough started: ${this.aid.title}`);
    if (byPerson) {
      this.follow();
      this.env.render();
    }
  }

  /** From the help panel: starts the walkthrough, or takes focus to it while it runs. */
  reveal(): boolean {
    if (!this.visible) return false;
    if (this.phase !== 'running') this.begin();
    else {
      this.focusNext = true;
      this.env.render();
    }
    return true;
  }

  /** The current step is done: `manual` when the person pressed Next. */
  advance(how: 'auto' | 'manual'): void {
    const i = this.current();
    const step = this.aid.steps[i];
    if (!step) return;
    this.states[i] = { state: 'done', how, at: Date.now() };
    this.memory = { clicked: false, seen: false };
    this.env.record({ type: 'step_done', aidKey: this.key, stepId: step.id, how });
    if (how === 'manual') this.focusNext = true;
    if (this.current() < 0) this.finish();
    else if (how === 'auto') this.env.announce(`Done: step ${i + 1}. Next: step ${i + 2}.`);
  }

  /** The target of the current step is not on the page: go on without it. */
  skipMissing(): void {
    const i = this.current();
    const step = this.aid.steps[i];
    if (!step) return;
    this.states[i] = { state: 'skipped', at: Date.now() };
    this.memory = { clicked: false, seen: false };
    this.env.record({ type: 'step_skipped', aidKey: this.key, stepId: step.id });
    this.focusNext = true;
    if (this.current() < 0) this.finish();
    this.follow();
    this.env.render();
  }

  /** Back to the step before the current one. */
  back(): void {
    const i = this.current();
    const prev = (i < 0 ? this.states.length : i) - 1;
    const step = this.aid.steps[prev];
    if (!step) return;
    this.states[prev] = undefined;
    this.memory = { clicked: false, seen: false };
    this.shownSteps.delete(step.id);
    this.env.record({ type: 'step_undone', aidKey: this.key, stepId: step.id });
    this.focusNext = true;
    this.follow();
    this.env.render();
  }

  next(): void {
    this.advance('manual');
    this.follow();
    this.env.render();
  }

  /** The person stops before the end. */
  stop(): void {
    const step = this.aid.steps[this.current()];
    this.phase = 'stopped';
    this.element = null;
    this.env.record({
      type: 'walkthrough_abandoned',
      aidKey: this.key,
      stepId: (step ?? this.aid.steps[0]!).id,
    });
    this.env.announce(`Walkthrough stopped: ${this.aid.title}`);
    this.focusNext = true;
    this.env.render();
  }

  private finish(): void {
    this.phase = 'finished';
    this.element = null;
    this.env.record({ type: 'walkthrough_finished', aidKey: this.key });
    this.env.announce(`Walkthrough finished: ${this.aid.title}`);
  }

  views(): Views {
    if (!this.visible) return {};
    const popover = this.phase === 'running' && this.element;
    return {
      panel: <WalkthroughCard key={this.key} c={this} />,
      float: popover ? <StepPopover key={this.key} c={this} anchor={this.element!} /> : null,
    };
  }

  status(): AidStatus {
    return {
      key: this.key,
      title: this.aid.title,
      kind: 'walkthrough',
      done: this.states.filter((s) => s?.state === 'done').length,
      skipped: this.states.filter((s) => s?.state === 'skipped').length,
      total: this.states.length,
      missing: this.missing ? 1 : 0,
    };
  }

  targets(): Element[] {
    return this.element ? [this.element] : [];
  }

  dispose(): void {}
}

/** Moves focus to `ref` once, when the person's own action brought this view. */
function useFocusOnce(
  c: WalkthroughController,
  ref: { current: HTMLElement | null },
  key: string,
  enabled = true,
) {
  useEffect(() => {
    if (!enabled || !c.focusNext || !ref.current) return;
    c.focusNext = false;
    ref.current.focus({ preventScroll: true });
  }, [key, enabled]);
}

const counter = (c: WalkthroughController, i: number) => `Step ${i + 1} of ${c.aid.steps.length}`;

/** The walkthrough in the panel: start it, see where it is, stop it, or go on without a target. */
function WalkthroughCard({ c }: { c: WalkthroughController }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const i = c.current();
  const step = c.aid.steps[i];
  const id = `${domId(c.key)}-wt`;
  const elsewhere = c.phase === 'running' && step && !c.isHere(step);
  const inPanel = c.phase === 'running' && step && c.isHere(step) && (!step.target || c.missing);
  // The popover takes focus when there is one; the card otherwise.
  const popover = c.phase === 'running' && !!c.element;
  useFocusOnce(c, heading, `${c.phase}-${i}-${inPanel ? 'panel' : 'pop'}`, !popover);
  return (
    <section class="walkthrough" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {c.aid.title}
      </h2>
      {c.preview && <p class="preview-badge">Preview of a draft: not published</p>}
      {c.phase === 'ready' || c.phase === 'stopped' ? (
        <>
          {c.aid.description && <Markdown text={c.aid.description} />}
          <p class="wt-line">
            {c.phase === 'stopped' ? 'Stopped. ' : ''}
            {c.aid.steps.length} steps, shown next to what they are about.
          </p>
          <button type="button" class="primary" onClick={byPerson(() => c.begin())}>
            {c.phase === 'stopped' ? 'Start again' : 'Start walkthrough'}
          </button>
        </>
      ) : c.phase === 'finished' ? (
        <>
          <p class="wt-line">Finished.</p>
          <button type="button" class="link" onClick={byPerson(() => c.begin())}>
            Start again
          </button>
        </>
      ) : (
        <>
          <p class="wt-line">{step ? counter(c, i) : ''}</p>
          {elsewhere && (
            <div class="wt-elsewhere">
              <p>This step is on another page:</p>
              <Markdown text={step.text} />
            </div>
          )}
          {inPanel && (
            <div class="wt-here">
              <Markdown text={step.text} />
              {c.missing && <p class="wt-missing">Not found on this page.</p>}
            </div>
          )}
          <div class="wt-actions">
            {inPanel && i > 0 && (
              <button type="button" onClick={byPerson(() => c.back())}>
                Back
              </button>
            )}
            {inPanel &&
              (c.missing ? (
                <button type="button" class="primary" onClick={byPerson(() => c.skipMissing())}>
                  Continue without it
                </button>
              ) : (
                <button type="button" class="primary" onClick={byPerson(() => c.next())}>
                  {i === c.aid.steps.length - 1 ? 'Finish' : 'Next'}
                </button>
              ))}
            <button type="button" class="link" onClick={byPerson(() => c.stop())}>
              Stop walkthrough
            </button>
          </div>
        </>
      )}
    </section>
  );
}

/** The current step, next to its target: non-modal, Back, Next (or Finish), Stop. */
function StepPopover({ c, anchor }: { c: WalkthroughController; anchor: Element }) {
  const i = c.current();
  const step = c.aid.steps[i]!;
  const ref = useAnchored<HTMLDivElement>(anchor, step.placement ?? 'bottom', 10);
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusOnce(c, heading, `pop-${i}`);
  const id = `${domId(c.key)}-wt-pop`;
  const last = i === c.aid.steps.length - 1;
  return (
    <div ref={ref} class="bubble wt-pop" role="dialog" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {c.aid.title}: {counter(c, i).toLowerCase()}
      </h2>
      <Markdown text={step.text} />
      <div class="wt-actions">
        {i > 0 && (
          <button type="button" onClick={byPerson(() => c.back())}>
            Back
          </button>
        )}
        <button type="button" class="primary" onClick={byPerson(() => c.next())}>
          {last ? 'Finish' : 'Next'}
        </button>
        <button type="button" class="link" onClick={byPerson(() => c.stop())}>
          Stop
        </button>
      </div>
    </div>
  );
}

export const walkthroughKind: AidKindModule<WalkthroughAid> = {
  kind: 'walkthrough',
  create: (active, env) => new WalkthroughController(active, env),
  styles: [markdownCss, bubbleCss, walkthroughCss],
};
