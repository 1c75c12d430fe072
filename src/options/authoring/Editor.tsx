import type { AuthoringDeps } from './deps';

/** Placeholder until the editor lands: the routes to it already work. */
export function Editor({
  aidKey,
  isNew,
}: {
  aidKey: string | null;
  isNew: boolean;
  deps?: AuthoringDeps;
}) {
  return <h2>{isNew ? 'New aid' : `Edit ${aidKey ?? ''}`}</h2>;
}
