/** Addresses inside the "Aids" view, shared by its parts and by other views. */

/** The address of an aid's editor; keys hold a "/", so the key is encoded as one segment. */
export function editLink(key: string): string {
  return `#aids/edit/${encodeURIComponent(key)}`;
}

export const LIST_LINK = '#aids';
export const NEW_LINK = '#aids/new';
export const TEST_URL_LINK = '#aids/test-url';
