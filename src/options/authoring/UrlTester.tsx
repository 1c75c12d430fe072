/**
 * The URL tester: which aids would show on a page address, and why the others would not.
 * The background decides, with the same rules staff pages use.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { UrlTestResult } from '../../protocol/authoring';
import type { AppTab, AuthoringDeps } from './deps';
import { editLink, LIST_LINK, NEW_LINK } from './links';
import './authoring.css';

/** Why `text` is not a page address the tester can use, or null if it is one. */
export function urlProblem(text: string): string | null {
  if (!text) return 'Enter the address of a page, for example https://crm.example.com/contacts.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'This is not a full address: it should start with https:// or http://.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'Aids only show on web pages: use an address that starts with https:// or http://.';
  }
  return null;
}

interface Tested {
  url: string;
  role?: string;
  results: UrlTestResult[];
}

export function UrlTester({ deps }: { deps: AuthoringDeps }) {
  const [url, setUrl] = useState('');
  const [role, setRole] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tested, setTested] = useState<Tested | null>(null);
  const [tabs, setTabs] = useState<AppTab[]>([]);
  const urlInput = useRef<HTMLInputElement>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);

  // The pages open in other tabs are offered as suggestions; without them, typing works.
  useEffect(() => {
    deps.appTabs().then(
      (open) => setTabs(open.slice(0, 20)),
      () => {},
    );
  }, [deps]);

  useEffect(() => {
    if (tested) resultsHeading.current?.focus();
  }, [tested]);

  const fail = (message: string) => {
    setError(message);
    urlInput.current?.focus();
  };

  const test = async (event: Event) => {
    event.preventDefault();
    const address = url.trim();
    const problem = urlProblem(address);
    if (problem) {
      fail(problem);
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const asRole = role.trim() || undefined;
      const { results } = await deps.testUrl(address, asRole);
      setTested({ url: address, role: asRole, results });
    } catch (e) {
      fail(`Could not test this address: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const apply = tested?.results.filter((r) => r.applies) ?? [];
  const skip = tested?.results.filter((r) => !r.applies) ?? [];

  return (
    <>
      <p>
        <a href={LIST_LINK}>Back to the aid list</a>
      </p>
      <section aria-labelledby="url-test-heading">
        <h2 id="url-test-heading">Test a URL</h2>
        <p class="help">
          See which aids would show on a page, and why the others would not. Conditions that depend
          on the page itself are listed too: they are checked only on the page.
        </p>
        <form class="url-test" onSubmit={(e) => void test(e)} noValidate>
          <div class="field">
            <label for="url-test-url">Page address (URL)</label>
            <input
              ref={urlInput}
              id="url-test-url"
              type="url"
              value={url}
              placeholder="https://crm.example.com/contacts/new"
              autocomplete="url"
              spellcheck={false}
              maxLength={4000}
              list={tabs.length ? 'url-test-tabs' : undefined}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'url-test-url-error' : undefined}
              onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)}
            />
            {tabs.length > 0 && (
              <datalist id="url-test-tabs">
                {tabs.map((tab) => (
                  <option key={tab.id} value={tab.url}>
                    {tab.title}
                  </option>
                ))}
              </datalist>
            )}
            {error && (
              <p id="url-test-url-error" class="field-error">
                {error}
              </p>
            )}
          </div>
          <div class="field">
            <label for="url-test-role">Role (optional)</label>
            <input
              id="url-test-role"
              type="text"
              value={role}
              maxLength={100}
              autocomplete="off"
              aria-describedby="url-test-role-help"
              onInput={(e) => setRole((e.currentTarget as HTMLInputElement).value)}
            />
            <p id="url-test-role-help" class="help">
              Test as someone with this role. Leave empty to use the role in your settings.
            </p>
          </div>
          <div class="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Testing…' : 'Test'}
            </button>
          </div>
        </form>
      </section>

      {tested && (
        <section class="url-results" aria-labelledby="url-results-heading">
          <h2 id="url-results-heading" ref={resultsHeading} tabIndex={-1}>
            Results for <span class="url">{tested.url}</span>
            {tested.role ? ` as “${tested.role}”` : ''}
          </h2>
          {tested.results.length === 0 ? (
            <p>
              There are no aids to test yet. <a href={NEW_LINK}>Create one</a>, or import a pack
              file from the aid list.
            </p>
          ) : (
            <>
              <p role="status">
                {apply.length} of {tested.results.length}{' '}
                {tested.results.length === 1 ? 'aid' : 'aids'} would apply.
              </p>
              <ResultList heading={`Would apply (${apply.length})`} results={apply} />
              <ResultList heading={`Would not apply (${skip.length})`} results={skip} />
            </>
          )}
        </section>
      )}
    </>
  );
}

function ResultList({ heading, results }: { heading: string; results: UrlTestResult[] }) {
  return (
    <>
      <h3>{heading}</h3>
      {results.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="url-result-list">
          {results.map((r) => (
            <li key={r.key}>
              <a href={editLink(r.key)}>{r.title || r.key}</a>
              {r.reasons.length > 0 && (
                <ul>
                  {r.reasons.map((reason, i) => (
                    <li key={i}>{reason}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
