/**
 * What the Insights and Health views need from the extension, as one interface: the browser
 * implementation asks the background (the options page never opens the database itself);
 * tests pass fakes.
 */

import type { Range } from '../../insights-ui/format';
import { askBackground } from '../../protocol/client';
import type { InsightsResponses } from '../../protocol/insights';
import { ask, downloadText } from '../ask';

export type { Range } from '../../insights-ui/format';

type R<K extends keyof InsightsResponses> = Promise<InsightsResponses[K]>;

export interface InsightsDeps {
  summary(range: Range): R<'insights.summary'>;
  events(range: Range): R<'insights.events'>;
  health(range: Range): R<'insights.health'>;
  /** Saves `text` as a file the person downloads. */
  download(filename: string, text: string, type: string): void;
}

/** Only the bounds that are set: the contract refuses fields it does not know. */
function bounds(range: Range): Range {
  const out: Range = {};
  if (range.from !== undefined) out.from = range.from;
  if (range.to !== undefined) out.to = range.to;
  return out;
}

export const browserInsightsDeps: InsightsDeps = {
  summary: (range) => ask(() => askBackground({ type: 'insights.summary', ...bounds(range) })),
  events: (range) => ask(() => askBackground({ type: 'insights.events', ...bounds(range) })),
  health: (range) => ask(() => askBackground({ type: 'insights.health', ...bounds(range) })),
  download: downloadText,
};
