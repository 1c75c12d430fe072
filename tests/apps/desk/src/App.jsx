import { useEffect, useState } from 'react';
import { CaseDetail, CasesList } from './Cases.jsx';
import { ContactsList } from './ContactsList.jsx';
import { initialContacts } from './data.js';
import { NewContact } from './NewContact.jsx';
import { navigate, useHashRoute } from './router.js';

const NAV = [
  { href: '#/contacts', label: 'Contacts', section: 'contacts' },
  { href: '#/cases', label: 'Cases', section: 'cases' },
];

/** Harbour Desk: a hash-routed CRM for a support team. */
export function App() {
  const route = useHashRoute();
  const [contacts, setContacts] = useState(initialContacts);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    if (route === '/') location.replace('#/contacts');
  }, [route]);

  const section = route.split('/')[1] ?? '';
  let screen = null;
  let title = 'Harbour Desk';
  if (route === '/contacts') {
    title = 'Contacts';
    screen = <ContactsList contacts={contacts} notice={notice} />;
  } else if (route === '/contacts/new') {
    title = 'New contact';
    screen = (
      <NewContact
        onSave={(contact) => {
          const id = `C-${2042 + contacts.length - initialContacts.length}`;
          setContacts([{ ...contact, id, owner: 'Sam Carter' }, ...contacts]);
          setNotice(`Contact ${contact.name} saved as ${id}.`);
          navigate('/contacts');
        }}
        onCancel={() => {
          setNotice('');
          navigate('/contacts');
        }}
      />
    );
  } else if (route === '/cases') {
    title = 'Cases';
    screen = <CasesList />;
  } else if (route.startsWith('/cases/')) {
    title = `Case ${route.slice('/cases/'.length)}`;
    screen = <CaseDetail id={route.slice('/cases/'.length)} />;
  } else if (route !== '/') {
    screen = (
      <div className="panel empty">
        <h1>Page not found</h1>
        <p>
          There is nothing at <code>#{route}</code>. <a href="#/contacts">Go to contacts</a>.
        </p>
      </div>
    );
  }

  useEffect(() => {
    document.title = `${title} · Harbour Desk`;
  }, [title]);

  return (
    <div className="app">
      <aside className="sidebar">
        <a className="logo" href="#/contacts">
          <img src="/favicon.svg" alt="" width="26" height="26" />
          Harbour Desk
        </a>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <a
              key={item.href}
              href={item.href}
              aria-current={section === item.section ? 'page' : undefined}
            >
              {item.label}
            </a>
          ))}
          <span className="nav-muted">Reports</span>
          <span className="nav-muted">Settings</span>
        </nav>
        <div className="me">
          <span className="avatar" aria-hidden="true">
            SC
          </span>
          <span>
            Sam Carter
            <small>Support, Tier 1</small>
          </span>
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <input
            className="search"
            type="search"
            aria-label="Search contacts and cases"
            placeholder="Search contacts and cases"
          />
          <a className="btn primary" href="#/contacts/new">
            New contact
          </a>
        </header>
        <main className="page">{screen}</main>
      </div>
    </div>
  );
}
