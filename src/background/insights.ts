/**
 * Insights in the background: what was used, skipped and broken, computed from the
 * recorded events (the insights.* messages of src/protocol/insights.ts).
 */
import type { BackgroundRequest, BackgroundResponses, ErrorResponse } from '../protocol/messages';
import type { RouterDeps } from './router';

export type InsightsRequest = Extract<BackgroundRequest, { type: `insights.${string}` }>;

/** Answers one insights.* request (already validated and authorized by the router). */
export async function answerInsights(
  request: InsightsRequest,
  _deps: RouterDeps,
): Promise<BackgroundResponses[InsightsRequest['type']] | ErrorResponse> {
  return { error: `${(request as { type: string }).type}: not built yet` };
}
