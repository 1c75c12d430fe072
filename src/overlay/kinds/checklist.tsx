/**
 * Checklist aids: steps that tick themselves when their completion rule holds, can be ticked
 * by hand, or skipped with a reason. A step whose target is not on the page says so and
 * never blocks the others.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { shadowRootOf } from '../../aids/composed';
import { type CompletionMemory, completionHolds, conditionHolds } from '../../aids/conditions';
import { plainText } from '../../aids/markdown';
import type { ChecklistAid, Step, Target } from '../../aids/schema';
import { matchesUrl, testUrlPattern } from '../../aids/url-match';
import { type RuleProblem, ruleProblem } from '../../aids/values';
import type { ActiveAid, AidStatus, StepState } from '../../protocol/messages';
import { eventWithin } from '../dom-watch';
import { byPerson, isPerson, usePersonText } from '../person';
import { domId } from '../views/dom-id';
import { Markdown } from '../views/Markdown';
import markdownCss from '../views/markdown.css?inline';
import checklistCss from './checklist.css?inline';
import { frameAgent } from './checklist-agent';
import { Feedback } from './feedback';
import feedbackCss from './feedback.css?inline';
import type { AidController, AidKindModule, SessionEnv, Views } from './types';

interface StepRuntime {
  step: Step;
  label: string;
  state: StepState | undefined;
  /** The element the step is about was looked for after the page settled and not found. */
  missing: boolean;
  /** The person unticked an automatically done step: don't tick it again this visit. */
  suppressAuto: boolean;
  memory: CompletionMemory;
  element: Element | null;
  /** In a preview only: how the target was found when some signal failed, for the author. */
  healed?: string;
}

/** Why the step's rule can never hold on the element it watches (it would never tick). */
function unworkable(step: Step, env: SessionEnv): RuleProblem | null {
  const done = step.done;
  if (!done || !('target' in done)) return null;
  const el = env.resolve(done.target).element;
  return el ? ruleProblem(done, el, shadowRootOf) : null;
}

/** The element a step is about: its own target, else the one its completion rule watches. */
function stepTarget(step: Step): Target | undefined {
  if (step.target) return step.target;
  return step.done && 'target' in step.done ? step.done.target : undefined;
}

export class ChecklistController implements AidController {
  readonly key: string;
  readonly aid: ChecklistAid;
  visible = false;
  collapsed = false;
  /** The person asked for the checklist (help panel): its title takes focus once drawn. */
  focus = false;
  completedAt: number | undefined;
  readonly steps: StepRuntime[];
  /** A draft an author previews: says how each target was found. */
  readonly preview: boolean;
  /** Said once in the panel when this visit started a new run (docs/authoring.md, "Runs"). */
  runNotice: string | null = null;
  private shown = false;

  constructor(
    active: ActiveAid & { aid: ChecklistAid },
    readonly env: SessionEnv,
  ) {
    this.key = active.key;
    this.aid = active.aid;
    this.preview = !!active.preview;
    let progress = active.progress;
    // A finished checklist starts over on a new visit; a reload shows it as it was. A run
    // left unfinished was started over by the background, which says so (`runAbandoned`).
    if (progress?.completedAt && !env.reloaded) {
      env.resetProgress(this.key);
      progress = null;
    }
    if (active.runAbandoned) {
      this.runNotice = 'New run: the last one was left unfinished';
      env.announce(this.runNotice);
    }
    this.completedAt = progress?.completedAt;
    this.steps = this.aid.steps.map((step) => ({
      step,
      label: plainText(step.text),
      state: progress?.steps[step.id],
      missing: false,
      suppressAuto: false,
      memory: { clicked: false, seen: false },
      element: null,
    }));
  }

  update(): void {
    const { env } = this;
    const visible = (this.aid.match.when ?? []).every((c) => conditionHolds(c, env.resolve));
    if (visible !== this.visible) {
      this.visible = visible;
      env.render();
    }
    if (!visible) return;
    if (!this.shown) {
      this.shown = true;
      env.record({ type: 'aid_shown', aidKey: this.key });
    }
    let changed = false;
    for (const rt of this.steps) {
      const { step } = rt;
      const target = stepTarget(step);
      // Parts of the step in an iframe: that frame reports them (found, holds), and they are
      // not searched here.
      const doneInFrame = !!(step.done && 'target' in step.done && step.done.target.frame);
      const remote = target?.frame || doneInFrame ? env.frameStep?.(this.key, step.id) : undefined;
      if (target) {
        const r = env.resolve(target);
        rt.element = r.element;
        if (this.preview) {
          const healed =
            r.element && r.failed.length
              ? `Preview: found by ${r.foundBy}; ${r.failed.join(', ')} failed`
              : undefined;
          if (healed !== rt.healed) {
            rt.healed = healed;
            changed = true;
          }
        }
        const found = target.frame ? !!remote?.found : !!r.element;
        const missing = !found && env.settled && !rt.state;
        if (missing !== rt.missing) {
          rt.missing = missing;
          changed = true;
        }
        env.reportTarget(this.key, step.id, target, r, missing, () => unworkable(step, env));
      }
      if (
        !rt.state &&
        step.done &&
        !rt.suppressAuto &&
        (doneInFrame
          ? !!remote?.holds
          : completionHolds(step.done, env.resolve, env.url, rt.memory))
      ) {
        this.markDone(rt, 'auto');
        changed = true;
      }
    }
    if (this.checkComplete() || changed) env.render();
  }

  /**
   * A click on a `clicked` step's target, seen while the target is still on the page. Only a
   * person's click counts: a script's `click()` or dispatched click says nobody clicked.
   */
  click(event: Event): void {
    if (!this.visible || !isPerson(event)) return;
    for (const rt of this.steps) {
      const done = rt.step.done;
      if (done?.type !== 'clicked' || rt.state || done.target.frame) continue;
      const el = this.env.resolve(done.target).element;
      if (el && eventWithin(event, el)) rt.memory.clicked = true;
    }
  }

  leave(url: string, unloading = false): string | null {
    if (!this.visible) return null;
    let complete = false;
    // A page that unloads gets one message out, not a queue of them: completing steps there
    // would record half of it, so only a navigation within the page completes `url` rules.
    if (!unloading) {
      for (const rt of this.steps) {
        const done = rt.step.done;
        if (!rt.state && done?.type === 'url' && testUrlPattern(done.pattern, url)) {
          this.markDone(rt, 'auto');
        }
      }
      complete = this.checkComplete();
    }
    // Going where the checklist does not apply (or nobody knows where) leaves the run
    // unfinished: the next visit starts a new one. Moving between its own pages does not.
    const stays = url !== '' && matchesUrl(this.aid.match, url);
    if (!this.completedAt && !stays && this.steps.some((rt) => rt.state)) {
      this.env.leaveRun(this.key);
    }
    return complete ? `Checklist complete: ${this.aid.title}` : null;
  }

  private markDone(rt: StepRuntime, how: 'auto' | 'manual'): void {
    rt.state = { state: 'done', how, at: Date.now() };
    rt.missing = false;
    this.env.record({ type: 'step_done', aidKey: this.key, stepId: rt.step.id, how });
    if (how === 'auto') this.env.announce(`Done: ${rt.label}`);
  }

  private checkComplete(): boolean {
    if (this.completedAt) return false;
    const open = this.steps.some((rt) => !rt.state && !rt.step.optional);
    if (open) return false;
    this.completedAt = Date.now();
    this.env.record({ type: 'checklist_completed', aidKey: this.key });
    this.env.announce(`Checklist complete: ${this.aid.title}`);
    return true;
  }

  /** The person ticked or unticked a step. */
  toggle(stepId: string, checked: boolean): void {
    const rt = this.steps.find((s) => s.step.id === stepId);
    if (!rt) return;
    if (checked) {
      this.markDone(rt, 'manual');
      rt.suppressAuto = false;
      this.checkComplete();
    } else {
      if (rt.state?.how === 'auto') rt.suppressAuto = true;
      this.undo(rt);
    }
    this.env.render();
  }

  skip(stepId: string, reason: string): void {
    const rt = this.steps.find((s) => s.step.id === stepId);
    if (!rt) return;
    const trimmed = reason.trim().slice(0, 500);
    rt.state = { state: 'skipped', at: Date.now(), ...(trimmed ? { reason: trimmed } : {}) };
    rt.missing = false;
    this.env.record({
      type: 'step_skipped',
      aidKey: this.key,
      stepId,
      ...(trimmed ? { reason: trimmed } : {}),
    });
    this.checkComplete();
    this.env.render();
  }

  unskip(stepId: string): void {
    const rt = this.steps.find((s) => s.step.id === stepId);
    if (rt) this.undo(rt);
    this.env.render();
  }

  private undo(rt: StepRuntime): void {
    rt.state = undefined;
    this.completedAt = undefined;
    this.env.record({ type: 'step_undone', aidKey: this.key, stepId: rt.step.id });
  }

  restart(): void {
    this.env.resetProgress(this.key);
    this.completedAt = undefined;
    this.runNotice = null;
    for (const rt of this.steps) {
      rt.state = undefined;
      rt.suppressAuto = true;
      rt.memory = { clicked: false, seen: false };
    }
    this.env.render();
  }

  /** From the help panel: expands the checklist and moves focus to its title. */
  reveal(): boolean {
    if (!this.visible) return false;
    this.collapsed = false;
    this.focus = true;
    this.env.render();
    return true;
  }

  setCollapsed(collapsed: boolean): void {
    this.collapsed = collapsed;
    this.env.render();
  }

  /** Brings a step's element into view and focus, when the person asks for it. */
  locate(stepId: string): void {
    const el = this.steps.find((s) => s.step.id === stepId)?.element;
    if (!el) return;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    if (el instanceof HTMLElement) el.focus({ preventScroll: true });
  }

  views(): Views {
    return this.visible ? { panel: <ChecklistView key={this.key} c={this} /> } : {};
  }

  status(): AidStatus {
    return {
      key: this.key,
      title: this.aid.title,
      kind: 'checklist',
      done: this.steps.filter((s) => s.state?.state === 'done').length,
      skipped: this.steps.filter((s) => s.state?.state === 'skipped').length,
      total: this.steps.length,
      missing: this.steps.filter((s) => s.missing).length,
    };
  }

  targets(): Element[] {
    return this.visible
      ? this.steps.flatMap((s) => (s.element && !s.state ? [s.element] : []))
      : [];
  }

  dispose(): void {}
}

function stateText(rt: StepRuntime): string | null {
  if (rt.state?.state === 'done') return rt.state.how === 'auto' ? 'Done automatically' : 'Done';
  if (rt.state?.state === 'skipped')
    return rt.state.reason ? `Skipped: ${rt.state.reason}` : 'Skipped';
  if (rt.missing) return 'Not found on this page';
  return rt.healed ?? null;
}

function StepItem({
  c,
  rt,
  index,
  next,
}: {
  c: ChecklistController;
  rt: StepRuntime;
  index: number;
  /** The first open step: the one the compact panel shows. */
  next: boolean;
}) {
  const [skipping, setSkipping] = useState(false);
  const reason = usePersonText();
  const box = useRef<HTMLInputElement>(null);
  const reasonField = useRef<HTMLInputElement>(null);
  const wasSkipping = useRef(false);
  // The person asked to skip: move focus to the reason, and back to the step afterwards.
  useEffect(() => {
    if (skipping) reasonField.current?.focus({ preventScroll: true });
    else if (wasSkipping.current) box.current?.focus({ preventScroll: true });
    wasSkipping.current = skipping;
  }, [skipping]);
  const id = `${domId(c.key)}-${index}`;
  const done = rt.state?.state === 'done';
  const skipped = rt.state?.state === 'skipped';
  const state = stateText(rt);
  /** "Skip step", clicked by the person (Enter in the reason clicks it too). */
  const submitSkip = () => {
    if (!reason.shown(reasonField.current)) {
      // A script changed the reason: the person's own words come back, nothing is recorded.
      reason.restore(reasonField.current);
      return;
    }
    c.skip(rt.step.id, reason.text);
    setSkipping(false);
    reason.clear();
  };
  const cancelSkip = () => setSkipping(false);
  return (
    <li
      class={`step${done ? ' is-done' : ''}${skipped ? ' is-skipped' : ''}${next ? ' is-next' : ''}`}
    >
      <input
        ref={box}
        type="checkbox"
        id={`${id}-box`}
        checked={done}
        aria-describedby={state ? `${id}-state` : undefined}
        // The click, not the change: a script's click() makes a trusted change event.
        onClick={byPerson((e) => c.toggle(rt.step.id, e.currentTarget.checked))}
      />
      <label for={`${id}-box`} class="step-text">
        <Markdown text={rt.step.text} />
      </label>
      <div class="step-meta">
        {state && (
          <span id={`${id}-state`} class={`step-state${rt.missing ? ' missing' : ''}`}>
            {state}
          </span>
        )}
        <span class="step-actions">
          {!done && !skipped && rt.element && (
            <button
              type="button"
              class="link"
              aria-label={`Show: ${rt.label}`}
              onClick={byPerson(() => c.locate(rt.step.id))}
            >
              Show
            </button>
          )}
          {!done && !skipped && !skipping && (
            <button
              type="button"
              class="link"
              aria-label={`Skip: ${rt.label}`}
              onClick={byPerson(() => setSkipping(true))}
            >
              Skip
            </button>
          )}
          {skipped && (
            <button type="button" class="link" onClick={byPerson(() => c.unskip(rt.step.id))}>
              Undo skip
            </button>
          )}
        </span>
      </div>
      {skipping && (
        // Skipping is the button's click: a script can submit a form, but not click.
        <form class="mini-form" onSubmit={(e) => e.preventDefault()}>
          <label for={`${id}-reason`}>Reason for skipping (optional)</label>
          <input
            id={`${id}-reason`}
            type="text"
            maxLength={500}
            {...reason.field}
            onKeyDown={byPerson((e) => {
              if (e.key === 'Escape') cancelSkip();
            })}
            ref={reasonField}
          />
          <span class="row">
            <button type="submit" class="primary" onClick={byPerson(submitSkip)}>
              Skip step
            </button>
            <button type="button" onClick={byPerson(cancelSkip)}>
              Cancel
            </button>
          </span>
        </form>
      )}
    </li>
  );
}

function ChecklistView({ c }: { c: ChecklistController }) {
  const status = c.status();
  const headingId = `${domId(c.key)}-title`;
  const listId = `${domId(c.key)}-steps`;
  const finished = status.done + status.skipped;
  const next = c.steps.findIndex((rt) => !rt.state);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!c.focus) return;
    c.focus = false;
    heading.current?.focus();
  });
  return (
    <section class="checklist" aria-labelledby={headingId}>
      <div class="checklist-head">
        <h2 id={headingId} ref={heading} tabIndex={-1}>
          {c.aid.title}
        </h2>
        <button
          type="button"
          class="icon"
          aria-expanded={!c.collapsed}
          aria-controls={listId}
          aria-label={c.collapsed ? 'Expand checklist' : 'Collapse checklist'}
          onClick={byPerson(() => c.setCollapsed(!c.collapsed))}
        >
          <span aria-hidden="true">{c.collapsed ? '▸' : '▾'}</span>
        </button>
      </div>
      {c.preview && <p class="preview-badge">Preview of a draft: not published</p>}
      {c.runNotice && !c.completedAt && <p class="progress-line run-notice">{c.runNotice}</p>}
      {c.aid.description && (
        <div class="description">
          <Markdown text={c.aid.description} />
        </div>
      )}
      <p class="progress-line">
        {status.done} of {status.total} done
        {status.skipped ? `, ${status.skipped} skipped` : ''}
      </p>
      <div class="bar" aria-hidden="true">
        <span style={{ width: `${Math.round((finished / status.total) * 100)}%` }} />
      </div>
      {c.completedAt && (
        <p class="complete">
          Checklist complete{' '}
          <button type="button" class="link" onClick={byPerson(() => c.restart())}>
            Start again
          </button>
        </p>
      )}
      <ol class="steps" id={listId} hidden={c.collapsed}>
        {c.steps.map((rt, i) => (
          <StepItem key={rt.step.id} c={c} rt={rt} index={i} next={i === next} />
        ))}
      </ol>
      {!c.collapsed && (
        <Feedback env={c.env} aidKey={c.key} title={c.aid.title} id={domId(c.key)} />
      )}
    </section>
  );
}

export const checklistKind: AidKindModule<ChecklistAid> = {
  kind: 'checklist',
  create: (active, env) => new ChecklistController(active, env),
  styles: [markdownCss, feedbackCss, checklistCss],
  frameAgent,
};
