/**
 * What the Insights and Health views need from the extension, as one interface: the browser
 * implementation asks the background (the options page never opens the database itself);
 * tests pass fakes.
 */

import { askBackground } from '../../protocol/client';
import type { InsightsResponses } from '../../protocol/insights';

export interface Range {
  from?: number;
  to?: number;
}

type R<K extends keyof InsightsResponses> = Promise<InsightsResponses[K]>;

export interface InsightsDeps {
  summary(range: Range): R<'insights.summary'>;
  events(range: Range): R<'insights.events'>;
  health(range: Range): R<'insights.health'>;
  /** Saves `text` as a file the person downloads. */
  download(filename: string, text: string, type: string): void;
}

/** The background's refusal without the request names the client and router put first. */
function reasonOf(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).replace(/^(?:[a-z]+\.[a-zA-Z]+: )+/, '');
}

async function ask<T>(job: () => Promise<T>): Promise<T> {
  try {
    return await job();
  } catch (e) {
    throw new Error(reasonOf(e));
  }
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
  download(filename, text, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    // The download has started by then; the object URL is not needed any more.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};
