/** What people call each aid kind, in the options page, the hub and the popup. */
const NAMES: Record<string, string> = {
  checklist: 'Checklist',
  tip: 'Tip',
  checks: 'Field checks',
  walkthrough: 'Walkthrough',
};

/**
 * "Field checks" for "checks". A kind this build does not know gets `otherwise`, by default
 * its own name capitalised.
 */
export function kindName(kind: string, otherwise?: string): string {
  return (
    NAMES[kind] ?? otherwise ?? (kind ? kind[0]!.toUpperCase() + kind.slice(1) : 'Unknown kind')
  );
}
