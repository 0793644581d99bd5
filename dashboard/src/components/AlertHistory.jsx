import { formatDateTime } from '../lib/format.js';
import { formatAlertValue, VM_DOWN, HISTORY_HOURS } from '../lib/alerts.js';

/** Every alert change of the last 24 h, newest first (GET /api/alerts?since=). */
export default function AlertHistory({ rows, error, onSelectVm }) {
  return (
    <section className="card alert-history" id="alert-history" aria-labelledby="alert-history-title">
      <div className="card-head">
        <h2 className="card-title" id="alert-history-title">
          Alert history, last {HISTORY_HOURS} h
        </h2>
        <span className="muted small">times in your local zone</span>
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {rows === null && !error && <p className="muted">Loading…</p>}
      {rows !== null && rows.length === 0 && <p className="muted">No alert changed in the last {HISTORY_HOURS} h.</p>}
      {rows !== null && rows.length > 0 && (
        <table className="alert-history-table" data-testid="alert-history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">VM</th>
              <th scope="col">Alert</th>
              <th scope="col">Change</th>
              <th scope="col" className="num">
                Value
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((h) => (
              <tr key={h.id ?? `${h.vm}/${h.rule}/${h.atMs}/${h.state}`} data-testid="alert-history-row">
                <td className="num" title={Number.isFinite(h.atMs) ? new Date(h.atMs).toISOString() : ''}>
                  {formatDateTime(h.atMs)}
                </td>
                <td>
                  <button type="button" className="link-button" onClick={() => onSelectVm(h.vm)}>
                    {h.vm}
                  </button>
                </td>
                <td>
                  <span className={`sev sev-${h.severity}`}>{h.severity}</span> {h.rule === VM_DOWN ? 'down' : h.rule}
                </td>
                <td>
                  {h.from ? `${h.from} → ` : ''}
                  <span className={`alert-state-${h.state}`}>{h.state}</span>
                  {h.silenced && <span className="alert-silenced">silenced</span>}
                </td>
                <td className="num">{formatAlertValue(h)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
