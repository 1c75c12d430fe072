import { describe, expect, it } from 'vitest';
import { OF_THE_VIEW, sendHeld } from '../../../src/overlay/held-actions';
import { EventType } from '../../../src/protocol/messages';

describe('what a first paint session keeps', () => {
  it('leaves out exactly the events that the next session records again on the same page', () => {
    const ofTheView = EventType.options.filter((type) => OF_THE_VIEW.test(type));
    expect(ofTheView.sort()).toEqual(
      ['aid_shown', 'rule_unworkable', 'step_shown', 'target_healed', 'target_missing'].sort(),
    );
  });

  it('sends what it kept in order, each once the one before has been taken, and empties the list', async () => {
    const log: string[] = [];
    const later = (name: string, ms: number) => () =>
      new Promise<void>((done) =>
        setTimeout(() => {
          log.push(name);
          done();
        }, ms),
      );
    const kept = [later('tick', 20), later('skip', 0), later('reset', 5)];
    await sendHeld(kept);
    expect(log).toEqual(['tick', 'skip', 'reset']);
    expect(kept).toHaveLength(0);
  });
});
