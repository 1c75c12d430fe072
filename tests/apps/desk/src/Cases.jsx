import { cases } from './data.js';

const statusClass = (status) => `pill status-${status.toLowerCase().replace(/\s+/g, '-')}`;

/** Open and recent cases. */
export function CasesList() {
  return (
    <>
      <div className="page-head">
        <h1>Cases</h1>
        <span className="count">{cases.length} cases</span>
      </div>
      <div className="panel">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Subject</th>
              <th scope="col">Contact</th>
              <th scope="col">Priority</th>
              <th scope="col">Status</th>
              <th scope="col">Opened</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={`#/cases/${c.id}`}>{c.id}</a>
                </td>
                <td>{c.subject}</td>
                <td>{c.contact}</td>
                <td>{c.priority}</td>
                <td>
                  <span className={statusClass(c.status)}>{c.status}</span>
                </td>
                <td>{c.opened}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** One case. */
export function CaseDetail({ id }) {
  const found = cases.find((c) => c.id === id);
  if (!found) {
    return (
      <div className="panel empty">
        <h1>No case {id}</h1>
        <p>
          <a href="#/cases">Back to cases</a>
        </p>
      </div>
    );
  }
  return (
    <>
      <p className="crumbs">
        <a href="#/cases">Cases</a> / {found.id}
      </p>
      <div className="page-head">
        <h1>{found.subject}</h1>
        <span className={statusClass(found.status)}>{found.status}</span>
      </div>
      <div className="panel detail">
        <dl>
          <dt>Contact</dt>
          <dd>{found.contact}</dd>
          <dt>Priority</dt>
          <dd>{found.priority}</dd>
          <dt>Opened</dt>
          <dd>{found.opened}</dd>
        </dl>
        <h2>Summary</h2>
        <p>{found.summary}</p>
      </div>
    </>
  );
}
