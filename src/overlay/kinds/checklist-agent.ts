/**
 * The checklist's part in a sub-frame: a controller that evaluates the steps the top page's
 * checklists address to this frame (../frame-plan.ts) and reports their states to the top
 * frame's checklist. Part of the checklist chunk.
 */
import { completionHolds } from '../../aids/conditions';
import type { AidStatus, FrameStepState } from '../../protocol/messages';
import type { FrameReports, Watched } from '../frame-plan';
import { isPerson } from '../person';
import type { AidController, SessionEnv } from './types';

/**
 * A controller that shows nothing: on each pass of the frame's session it evaluates the
 * watched steps and reports each aid whose states differ from what it last sent. Its
 * reports are withdrawn when the page is unloaded or the session ends.
 */
export function frameAgent(
  watched: Map<string, Watched[]>,
  env: SessionEnv,
  reports: FrameReports,
): AidController {
  /** Aid key -> the states last sent, as JSON. */
  const sent = new Map<string, string>();
  const gone = () => {
    if (sent.size) reports.gone();
    sent.clear();
  };
  // A page kept in the back/forward cache goes with its top page and comes back with it,
  // states and all: only a page that is unloaded withdraws its reports.
  window.addEventListener('pagehide', (e) => e.persisted || gone(), { signal: env.signal });
  return {
    key: 'inflow:frame-agent',
    visible: false,
    update(change) {
      for (const [aidKey, list] of watched) {
        const steps = list.map(({ stepId, find, done, memory }): FrameStepState => {
          if (done?.type === 'clicked') {
            const el = env.resolve(done.target).element;
            for (const e of change.events) {
              // A person's click only: a script's click() says nobody clicked.
              if (
                e.type === 'click' &&
                isPerson(e) &&
                e.target instanceof Node &&
                el?.contains(e.target)
              ) {
                memory.clicked = true;
              }
            }
          }
          return {
            stepId,
            found: !!env.resolve(find).element,
            holds: !!done && completionHolds(done, env.resolve, env.url, memory),
          };
        });
        const json = JSON.stringify(steps);
        if (sent.get(aidKey) !== json) reports.steps(aidKey, steps);
        sent.set(aidKey, json);
      }
    },
    leave: () => null,
    views: () => ({}),
    // Never visible, so never asked for: the popup lists aids only.
    status: () => ({}) as AidStatus,
    targets: () => [],
    dispose: gone,
  };
}
