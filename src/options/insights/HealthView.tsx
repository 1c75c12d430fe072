/** The "Health" view of the options page: aids whose targets broke, and staff feedback. */
export function HealthView() {
  return <p>Health is being built.</p>;
}
