import { formatAgo, formatClock } from '../lib/format.js';
import { alertCounts, formatAlertValue, silencesFor, VM_DOWN } from '../lib/alerts.js';

/**
 * The active alerts, worst first (firing, then critical, then the oldest), above
 * everything else. Severity and state are words as well as colours; a VM name is a
 * button that shows that VM. Hidden when the hub has never sent alerts (older hub).
 */
export default function AlertBar({ alerts, known, now, onSelectVm, historyOpen, onToggleHistory }) {
  if (!known) return null;
  const { firing, pending, critical } = alertCounts(alerts.active);
  const tone = critical > 0 ? 'bad' : firing > 0 ? 'warn' : 'ok';
  const parts = [];
  if (firing > 0) parts.push(`${firing} firing${critical > 0 ? ` (${critical} critical)` : ''}`);
  if (pending > 0) parts.push(`${pending} pending`);
  return (
    <section className={`card alert-bar alert-bar-${tone}`} aria-labelledby="alerts-title" data-testid="alert-bar">
      <div className="card-head">
        <h2 className="card-title" id="alerts-title">
          Alerts
        </h2>
        <span className="alert-summary" data-testid="alert-summary" role="status" aria-live="polite">
          {parts.length > 0 ? parts.join(' · ') : 'No active alerts'}
        </span>
        <button
          type="button"
          className="link-button"
          aria-expanded={historyOpen}
          aria-controls="alert-history"
          data-testid="alert-history-toggle"
          onClick={onToggleHistory}
        >
          {historyOpen ? 'Hide history' : 'History (24 h)'}
        </button>
      </div>
      {alerts.active.length > 0 && (
        <ul className="alert-list" aria-label="Active alerts">
          {alerts.active.map((a) => (
            <li
              key={`${a.rule}/${a.vm}`}
              className={`alert-item alert-${a.state} sev-${a.severity}`}
              data-testid="alert-item"
              data-vm={a.vm}
              data-rule={a.rule}
              data-state={a.state}
              data-severity={a.severity}
            >
              <span className={`sev sev-${a.severity}`}>{a.severity}</span>
              {a.state === 'pending' && <span className="alert-state">pending</span>}
              <button
                type="button"
                className="link-button alert-vm"
                onClick={() => onSelectVm(a.vm)}
                aria-label={`Show ${a.vm}`}
              >
                {a.vm}
              </button>
              <span className="alert-rule" title={a.summary}>
                {a.rule === VM_DOWN ? 'down' : a.rule}
              </span>
              <span className="alert-value num" data-testid="alert-value">
                {formatAlertValue(a)}
              </span>
              <span className="alert-since muted" title={a.since ? `${a.since} UTC` : ''}>
                since {formatClock(a.sinceMs)} ({formatAgo(a.sinceMs, now)})
              </span>
              {/* The hub's flag is from the alert's last change; a silence added since counts too. */}
              {(a.silenced || silencesFor(a.vm, alerts.silences, now).length > 0) && (
                <span className="alert-silenced">silenced</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
