/** The "Insights" view of the options page: what was used, skipped and completed. */
export function InsightsView() {
  return <p>Insights are being built.</p>;
}
