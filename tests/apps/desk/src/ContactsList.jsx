import { reasonLabel } from './data.js';

/** The contacts table, newest first. */
export function ContactsList({ contacts, notice }) {
  return (
    <>
      <div className="page-head">
        <h1>Contacts</h1>
        <span className="count">{contacts.length} contacts</span>
      </div>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <div className="panel">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Phone</th>
              <th scope="col">Reason</th>
              <th scope="col">Marketing</th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((c) => (
              <tr key={c.id}>
                <td>
                  <span className="name">{c.name}</span>
                  <small className="id">{c.id}</small>
                </td>
                <td>{c.email}</td>
                <td>{c.phone || '—'}</td>
                <td>{reasonLabel(c.reason)}</td>
                <td>
                  <span className={c.marketing ? 'pill yes' : 'pill'}>
                    {c.marketing ? 'Opted in' : 'No'}
                  </span>
                </td>
                <td>{c.owner}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
