import { formatPercent, formatAgo, formatCount, formatClock, formatDateTime, formatLoad } from '../lib/format.js';
import { usedPercent } from '../lib/metrics.js';
import { horaToMs } from '../lib/time.js';
import { NO_ALERTS, vmMark } from '../lib/alerts.js';

// Within a day the clock is enough; further out the date too.
const formatUntil = (ms, now) => (ms - now < 86_400_000 ? formatClock(ms).slice(0, 5) : formatDateTime(ms));

const STATUS_TEXT = { down: 'down', firing: 'firing', pending: 'pending' };

/**
 * Every VM's newest numbers (CPU, RAM, load, disk used: "—" from a v1 agent) and its
 * alert state (down: greyed, with when it was last seen; firing; pending; silenced),
 * with Silence / Unsilence; a row click selects it (the picker's long form).
 */
export default function FleetTable({
  vms,
  latest,
  selected,
  onSelect,
  now,
  alerts = NO_ALERTS,
  alertsKnown = false,
  onSilence,
  onUnsilence,
}) {
  return (
    <section className={`card fleet${alertsKnown ? ' fleet-wide' : ''}`}>
      <h2 className="card-title">Machines</h2>
      <table className="fleet-table" data-testid="fleet">
        <thead>
          <tr>
            <th>VM</th>
            <th className="num">CPU</th>
            <th className="num">RAM</th>
            <th className="num" title="load average, 1 min">
              Load
            </th>
            <th className="num" title="disk used">
              Disk
            </th>
            <th className="num">Rows</th>
            <th className="num">Seen</th>
            {alertsKnown && <th>Alerts</th>}
          </tr>
        </thead>
        <tbody>
          {vms.map((v) => {
            const r = latest[v.vm];
            // The newest record (live) first, else what /api/vms or the snapshot said.
            const load = r?.carga_1 ?? v.carga_1;
            const disk = usedPercent(r?.disco_total, r?.disco_libre) ?? usedPercent(v.disco_total, v.disco_libre);
            const mark = vmMark(v.vm, alerts, now);
            const seen =
              mark.status === 'down' && Number.isFinite(mark.lastSeenMs) ? mark.lastSeenMs : horaToMs(v.last);
            const stale = Number.isFinite(seen) && now - seen > 30_000;
            const classes = [
              v.vm === selected ? 'selected' : '',
              mark.status ? `vm-${mark.status}` : '',
              mark.status && mark.status !== 'down' && mark.severity ? `sev-${mark.severity}` : '',
              mark.silenced ? 'vm-silenced' : '',
            ].filter(Boolean);
            // The buttons act on the VM without selecting it.
            const own = (fn) => (e) => {
              e.stopPropagation();
              fn(v.vm);
            };
            return (
              <tr
                key={v.vm}
                className={classes.join(' ')}
                onClick={() => onSelect(v.vm)}
                onKeyDown={(e) =>
                  e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ') && onSelect(v.vm)
                }
                tabIndex={0}
                aria-selected={v.vm === selected}
                data-testid={`fleet-${v.vm}`}
                data-alert={mark.status ?? 'none'}
                data-silenced={mark.silenced ? 'true' : 'false'}
              >
                <td>
                  <span className={`dot ${mark.status === 'down' ? 'dot-down' : stale ? 'dot-stale' : 'dot-live'}`} />
                  {v.vm}
                </td>
                <td className="num">{formatPercent(r?.porcentaje_cpu_uso ?? v.porcentaje_cpu_uso)}%</td>
                <td className="num">{formatPercent(r?.porcentaje_ram ?? v.porcentaje_ram)}%</td>
                <td className="num" data-testid={`fleet-load-${v.vm}`}>
                  {formatLoad(load)}
                </td>
                <td className="num" data-testid={`fleet-disk-${v.vm}`}>
                  {disk === null ? '—' : `${formatPercent(disk, 0)}%`}
                </td>
                <td className="num">{formatCount(v.rows)}</td>
                <td className="num muted" data-testid={`fleet-seen-${v.vm}`}>
                  {mark.status === 'down' ? `last seen ${formatAgo(seen, now)}` : formatAgo(seen, now)}
                </td>
                {alertsKnown && (
                  <td className="fleet-alerts">
                    {mark.status && (
                      <span className={`mark mark-${mark.status}`} title={mark.rules.join(', ')}>
                        {STATUS_TEXT[mark.status]}
                        {mark.status === 'firing' && mark.severity === 'critical' ? ' (critical)' : ''}
                      </span>
                    )}
                    {mark.silenced && (
                      <span
                        className="mark mark-silenced"
                        title={mark.silence ? `${mark.silence.match}: ${mark.silence.comment}` : ''}
                      >
                        silenced{mark.silence ? ` until ${formatUntil(mark.silence.untilMs, now)}` : ''}
                      </span>
                    )}
                    {mark.exactSilence ? (
                      <button
                        type="button"
                        className="link-button"
                        onClick={own(onUnsilence)}
                        aria-label={`Unsilence ${v.vm}`}
                        data-testid={`unsilence-${v.vm}`}
                      >
                        Unsilence
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="link-button"
                        onClick={own(onSilence)}
                        aria-label={`Silence ${v.vm}…`}
                        data-testid={`silence-${v.vm}`}
                      >
                        Silence…
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
