/**
 * What the bundled packs show, as a person reads it: titles and step texts as plain text
 * (markdown stripped). Keys are "<packId>/<aidId>"; step ids are the packs'. If a pack's
 * wording changes, change it here.
 */
export const NEW_CONTACT = {
  key: 'northwind-crm/new-contact',
  title: 'New contact',
  steps: {
    identity: {
      id: 'identity',
      text: 'Confirm the caller’s identity: full name, date of birth and first line of address.',
    },
    email: {
      id: 'email',
      text: 'Enter a valid email address, then spell it back to the caller.',
    },
    consent: {
      id: 'consent',
      text: 'Record consent to be contacted: read the question word for word and tick the box only if the customer says yes.',
    },
    channel: { id: 'channel', text: 'Choose the preferred channel the customer asks for.' },
    save: { id: 'save', text: 'Save the contact and check that the new record opens.' },
  },
} as const;

export const CASE = {
  key: 'northwind-crm/case',
  title: 'Before discussing the account',
} as const;

export const EMAIL_TIP = {
  key: 'northwind-crm/email-tip',
  title: 'Email',
  text: 'Read the email address back letter by letter.',
} as const;

export const SUPPORT_REQUEST = {
  key: 'acme-energy-portal/support-request',
  title: 'Support request',
  steps: {
    accountNumber: {
      id: 'account-number',
      text: 'Enter the 10-digit Account number from the top of the bill. Spaces are fine.',
    },
    topic: {
      id: 'topic',
      text: 'Choose the Topic that fits best. Moving home has its own form: use Change your address instead.',
    },
  },
} as const;
