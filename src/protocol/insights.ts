/**
 * Insights messages: the options page / popup -> background part of the message contract
 * (messages.ts joins them into BackgroundRequest): what was used, skipped and broken,
 * computed by the background from the recorded events.
 */

export const InsightsRequest = [] as const;

// biome-ignore lint/complexity/noBannedTypes: filled in as insights messages are added
export type InsightsResponses = {};
