import { formatCountdown } from '../lib/format.js';

const LABELS = {
  open: 'Live',
  connecting: 'Connecting…',
  stopped: 'Stopped',
};

/** connected / reconnecting in Ns / offline, with the last error on hover. */
export default function ConnectionBadge({ conn, now, stale }) {
  let label = LABELS[conn.status] ?? conn.status;
  let tone = conn.status === 'open' ? 'ok' : 'warn';
  if (conn.status === 'reconnecting') label = `Reconnecting in ${formatCountdown(conn.retryAt - now)}`;
  if (conn.status === 'offline') {
    label = 'Offline';
    tone = 'bad';
  }
  if (conn.status === 'open' && stale) {
    label = 'Catching up…';
    tone = 'warn';
  }
  return (
    <div
      className={`badge badge-${tone}`}
      data-testid="conn-status"
      data-status={conn.status}
      title={conn.lastError ?? ''}
      role="status"
      aria-live="polite"
    >
      <span className="badge-dot" aria-hidden="true" />
      {label}
    </div>
  );
}
