/**
 * The "Aids" view of the options page. Its sub-routes live in the hash ("#aids/<sub>"):
 * "" the aid list, "new" and "edit/<encoded key>" the editor, "test-url" the URL tester.
 */
import { useEffect, useRef } from 'preact/hooks';
import { AidList } from './AidList';
import { type AuthoringDeps, browserAuthoringDeps } from './deps';
import { Editor } from './Editor';
import { UrlTester } from './UrlTester';
import './authoring.css';

export { editLink } from './links';

function decodeKey(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

export function AidsView({
  route,
  deps = browserAuthoringDeps,
}: {
  route: string;
  deps?: AuthoringDeps;
}) {
  const root = useRef<HTMLDivElement>(null);
  const first = useRef(true);

  // Moving between sub-routes keeps the page, so focus goes to the new part's heading;
  // on first load it stays where the browser put it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // A part still loading has no heading of its own yet: the view's heading stands in.
    const heading =
      root.current?.querySelector<HTMLElement>('h2') ??
      root.current?.closest('main')?.querySelector<HTMLElement>('h1');
    if (!heading) return;
    if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
    heading.focus();
  }, [route]);

  return (
    <div ref={root} class="aids-view">
      <Route route={route} deps={deps} />
    </div>
  );
}

function Route({ route, deps }: { route: string; deps: AuthoringDeps }) {
  if (route === 'new') return <Editor aidKey={null} isNew deps={deps} />;
  if (route.startsWith('edit/')) {
    const key = decodeKey(route.slice('edit/'.length));
    if (key === null || !key) {
      return (
        <>
          <h2>Aid not found</h2>
          <p>
            This link does not name an aid. <a href="#aids">Back to the aid list</a>
          </p>
        </>
      );
    }
    return <Editor key={key} aidKey={key} isNew={false} deps={deps} />;
  }
  if (route === 'test-url') return <UrlTester deps={deps} />;
  return <AidList deps={deps} />;
}
