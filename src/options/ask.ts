/**
 * What every view of the options page does the same way: ask the background and turn its
 * refusal into a sentence for people, and offer text as a downloaded file.
 */

/** The background's refusal without the request names the client and router put first. */
export function reasonOf(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).replace(/^(?:[a-z]+\.[a-zA-Z]+: )+/, '');
}

/** Runs a request to the background; a refusal rejects with the reason alone. */
export async function ask<T>(job: () => Promise<T>): Promise<T> {
  try {
    return await job();
  } catch (e) {
    throw new Error(reasonOf(e));
  }
}

/** Offers `text` as a download named `fileName`. */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: the download may start after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
