/**
 * The shadow roots of the page, kept up to date for one page session so target lookups reuse
 * one list instead of walking the whole DOM on every pass. Roots are found without polling:
 * one walk when the session starts, then only the subtrees that mutation records add, and
 * custom elements that were not defined yet once they upgrade (their root attaches then).
 */
import { findShadowRoots, isDefined, type ShadowRootReader } from '../aids/composed';

export interface ShadowRootTrackerOptions {
  read: ShadowRootReader;
  signal: AbortSignal;
  /** Our own UI's host: its shadow root is never searched for targets. */
  ignore: () => Element | null;
  /** Roots found after the first walk (added nodes, upgrades). */
  onRoots: (roots: ShadowRoot[]) => void;
}

type Registry = Pick<CustomElementRegistry, 'whenDefined'>;

export class ShadowRootTracker {
  private readonly known = new Set<ShadowRoot>();
  /** Custom elements seen before their definition: checked again when they may have upgraded. */
  private readonly pending = new Set<Element>();
  private readonly awaited = new Set<string>();

  constructor(private readonly opts: ShadowRootTrackerOptions) {}

  /**
   * Looks for roots in `nodes` and below them (each subtree once): the whole document when the
   * session starts, then the nodes mutations add. Tells `onRoots` about the new ones.
   */
  added(nodes: Iterable<Node>): void {
    const { read, ignore, onRoots } = this.opts;
    const host = ignore();
    const undefinedHosts: Element[] = [];
    const fresh: ShadowRoot[] = [];
    for (const node of nodes) {
      // A node added and removed again since is not searched.
      if (node.nodeType !== 1 || !node.isConnected || host?.contains(node)) continue;
      for (const root of findShadowRoots(node, read, {
        skip: (el) => el === host,
        undefinedHosts,
      })) {
        if (!this.known.has(root)) {
          this.known.add(root);
          fresh.push(root);
        }
      }
    }
    for (const el of undefinedHosts) this.await(el);
    if (fresh.length) onRoots(fresh);
  }

  /**
   * Custom elements that were undefined: those defined by now are walked again. Called on each
   * pass, because content scripts in Chromium have no `customElements` to wait on.
   */
  recheck(): void {
    if (this.pending.size === 0) return;
    const ready: Element[] = [];
    for (const el of this.pending) {
      if (!el.isConnected) this.pending.delete(el);
      else if (isDefined(el)) {
        this.pending.delete(el);
        ready.push(el);
      }
    }
    if (ready.length) this.added(ready);
  }

  /** The known roots whose host is still in the page; forgets the others. */
  roots(): ShadowRoot[] {
    const out: ShadowRoot[] = [];
    for (const root of this.known) {
      if (root.host.isConnected) out.push(root);
      // A host put back later is an added node again, and found again.
      else this.known.delete(root);
    }
    return out;
  }

  /** Waits for an element's definition where the context can (pages, Firefox, tests). */
  private await(el: Element): void {
    this.pending.add(el);
    const name = el.localName;
    const registry = (globalThis as { customElements?: Registry | null }).customElements;
    if (!registry || this.awaited.has(name)) return;
    this.awaited.add(name);
    registry.whenDefined(name).then(
      () => {
        if (!this.opts.signal.aborted) this.recheck();
      },
      () => {},
    );
  }
}
