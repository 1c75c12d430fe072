/**
 * In the top frame: the latest step states each sub-frame reported, by frame id and aid.
 * A step counts as found (or its rule as holding) when any frame says so: two frames may
 * match the same frame signal, and only one of them has the element.
 */
import type { FrameStepState } from '../protocol/messages';

export interface FrameStates {
  /** Replaces what `frameId` reported for `aidKey`. */
  set(frameId: number, aidKey: string, steps: readonly FrameStepState[]): void;
  /** Forgets a frame (its page went away); true if it had reported something. */
  drop(frameId: number): boolean;
  clear(): void;
  /** The step's state, merged over every frame that reported it; undefined if none did. */
  get(aidKey: string, stepId: string): FrameStepState | undefined;
}

export function createFrameStates(): FrameStates {
  const byFrame = new Map<number, Map<string, readonly FrameStepState[]>>();
  return {
    set(frameId, aidKey, steps) {
      const aids = byFrame.get(frameId) ?? new Map<string, readonly FrameStepState[]>();
      aids.set(aidKey, steps);
      byFrame.set(frameId, aids);
    },
    drop: (frameId) => byFrame.delete(frameId),
    clear: () => byFrame.clear(),
    get(aidKey, stepId) {
      let merged: FrameStepState | undefined;
      for (const aids of byFrame.values()) {
        const s = aids.get(aidKey)?.find((x) => x.stepId === stepId);
        if (!s) continue;
        merged = merged
          ? { stepId, found: merged.found || s.found, holds: merged.holds || s.holds }
          : s;
      }
      return merged;
    },
  };
}
