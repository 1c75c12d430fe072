/** Harbour Desk's sample records, kept in memory for the visit (a real app would fetch them). */

export const REASONS = [
  { value: 'new-customer', label: 'New customer enquiry' },
  { value: 'complaint', label: 'Complaint' },
  { value: 'renewal', label: 'Contract renewal' },
  { value: 'technical', label: 'Technical support' },
  { value: 'other', label: 'Something else' },
];

export const reasonLabel = (value) => REASONS.find((r) => r.value === value)?.label ?? '—';

export const initialContacts = [
  {
    id: 'C-2041',
    name: 'Maria Okafor',
    email: 'maria.okafor@example.com',
    phone: '0113 496 0188',
    reason: 'renewal',
    marketing: true,
    owner: 'Jonas Berg',
  },
  {
    id: 'C-2040',
    name: 'Tom Hargreaves',
    email: 't.hargreaves@example.co.uk',
    phone: '0161 496 0920',
    reason: 'complaint',
    marketing: false,
    owner: 'Aisha Khan',
  },
  {
    id: 'C-2037',
    name: 'Lena Fischer',
    email: 'lena.fischer@example.org',
    phone: '020 7946 0321',
    reason: 'technical',
    marketing: false,
    owner: 'Jonas Berg',
  },
  {
    id: 'C-2032',
    name: 'Rahul Mehta',
    email: 'r.mehta@example.com',
    phone: '0117 496 0655',
    reason: 'new-customer',
    marketing: true,
    owner: 'Aisha Khan',
  },
];

export const cases = [
  {
    id: 'CS-1042',
    subject: 'Router drops connection every evening',
    contact: 'Lena Fischer',
    priority: 'High',
    status: 'Open',
    opened: '3 Jun 2025',
    summary:
      'Customer reports the connection drops between 7 and 9 pm. Line test passed; engineer visit proposed.',
  },
  {
    id: 'CS-1039',
    subject: 'Charged twice for May',
    contact: 'Tom Hargreaves',
    priority: 'Medium',
    status: 'Waiting on customer',
    opened: '29 May 2025',
    summary:
      'Duplicate direct debit. Refund raised; waiting for the customer to confirm the bank account.',
  },
  {
    id: 'CS-1031',
    subject: 'Renewal quote for 24 months',
    contact: 'Maria Okafor',
    priority: 'Low',
    status: 'Resolved',
    opened: '20 May 2025',
    summary: 'Quote sent and accepted.',
  },
];
