import { useMemo, useRef, useState } from 'react';
import { formatPercent, formatAgo, formatCount, formatClock, formatDateTime, formatLoad } from '../lib/format.js';
import { usedPercent } from '../lib/metrics.js';
import { NO_ALERTS, vmMark } from '../lib/alerts.js';
import {
  fleetRows,
  filterFleet,
  sortFleet,
  nextSort,
  parseLabelFilter,
  visibleRange,
  STATUS_FILTERS,
} from '../lib/fleet.js';

// Within a day the clock is enough; further out the date too.
const formatUntil = (ms, now) => (ms - now < 86_400_000 ? formatClock(ms).slice(0, 5) : formatDateTime(ms));

const STATUS_TEXT = { down: 'down', firing: 'firing', pending: 'pending' };
const STATUS_LABEL = { all: 'all', up: 'up', stale: 'stale (30 s)', down: 'down', alerting: 'alerting' };

// Every row is this tall (styles.css: .fleet-table tbody tr), so the list can draw
// only the rows in the scrolled window of VIEWPORT_PX and stand in for the rest with
// two spacer rows: 10,000 VMs cost a few dozen rows in the DOM.
const ROW_PX = 34;
const VIEWPORT_PX = 440;

const SORTABLE = [
  { key: 'cpu', label: 'CPU' },
  { key: 'ram', label: 'RAM' },
];

/**
 * Every VM's newest numbers (CPU, RAM, load, disk used: "—" from a v1 agent), labels
 * when the hub sends them, and its alert state (down: greyed, with when it was last
 * seen; firing; pending; silenced), with Silence / Unsilence; a row click selects it
 * (the picker's long form). Searchable by name, filtered by status and label,
 * sorted by name, CPU, RAM or last seen; only the rows in view are rendered.
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
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('all');
  const [labelText, setLabelText] = useState('');
  const [sort, setSort] = useState({ key: 'name', dir: 'asc' });
  const [scrollTop, setScrollTop] = useState(0);
  const scroller = useRef(null);
  // A new search, filter or order starts at the top of the list.
  const fromTop =
    (set) =>
    (...args) => {
      if (scroller.current) scroller.current.scrollTop = 0;
      setScrollTop(0);
      set(...args);
    };

  const label = useMemo(() => parseLabelFilter(labelText), [labelText]);
  const rows = useMemo(() => fleetRows(vms, latest, alerts.active, now), [vms, latest, alerts.active, now]);
  const hasLabels = useMemo(() => rows.some((r) => r.labels.length > 0), [rows]);
  const shown = useMemo(
    () => sortFleet(filterFleet(rows, { search, status, label }), sort.key, sort.dir),
    [rows, search, status, label, sort],
  );
  const { start, end } = visibleRange(scrollTop, VIEWPORT_PX, ROW_PX, shown.length);
  const columns = 7 + (hasLabels ? 1 : 0) + (alertsKnown ? 1 : 0);

  const sortHeader = (key, text, className = 'num') => {
    const active = sort.key === key;
    return (
      <th
        scope="col"
        className={className}
        aria-sort={active ? (sort.dir === 'desc' ? 'descending' : 'ascending') : 'none'}
        data-testid={`machines-sort-${key}`}
      >
        <button type="button" className="sort-button" onClick={() => fromTop(setSort)((s) => nextSort(s, key))}>
          {text}
          <span aria-hidden="true">{active ? (sort.dir === 'desc' ? ' ▼' : ' ▲') : ''}</span>
        </button>
      </th>
    );
  };

  return (
    <section className={`card fleet${alertsKnown || hasLabels ? ' fleet-wide' : ''}`}>
      <div className="card-head">
        <h2 className="card-title">Machines</h2>
        <span className="muted small" data-testid="machines-count" data-shown={shown.length} data-total={rows.length}>
          {shown.length === rows.length
            ? `${formatCount(rows.length)} VMs`
            : `${formatCount(shown.length)} of ${formatCount(rows.length)} VMs`}
        </span>
      </div>
      <div className="fleet-controls">
        <input
          type="search"
          placeholder={hasLabels ? 'Search by name or key=value' : 'Search by name'}
          aria-label="Search machines by name or label"
          value={search}
          onChange={(e) => fromTop(setSearch)(e.target.value)}
          data-testid="machines-search"
        />
        <label>
          Status{' '}
          <select value={status} onChange={(e) => fromTop(setStatus)(e.target.value)} data-testid="machines-status">
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        {hasLabels && (
          <input
            type="search"
            placeholder="label key=value"
            aria-label="Filter machines by label, key=value"
            aria-invalid={label?.error ? 'true' : 'false'}
            value={labelText}
            onChange={(e) => fromTop(setLabelText)(e.target.value)}
            data-testid="machines-label"
          />
        )}
        {label?.error && (
          <span className="inline-error" role="alert">
            Label filter: {label.error}.
          </span>
        )}
      </div>
      <div
        className="fleet-scroll"
        ref={scroller}
        style={{ maxHeight: VIEWPORT_PX }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        data-testid="machines-scroll"
      >
        <table className="fleet-table" data-testid="fleet" aria-rowcount={shown.length + 1}>
          <thead>
            <tr>
              {sortHeader('name', 'VM', '')}
              {SORTABLE.map((c) => sortHeader(c.key, c.label))}
              <th className="num" title="load average, 1 min">
                Load
              </th>
              <th className="num" title="disk used">
                Disk
              </th>
              <th className="num">Rows</th>
              {sortHeader('seen', 'Seen')}
              {hasLabels && <th>Labels</th>}
              {alertsKnown && <th>Alerts</th>}
            </tr>
          </thead>
          <tbody>
            {start > 0 && <tr className="fleet-spacer" aria-hidden="true" style={{ height: start * ROW_PX }} />}
            {shown.slice(start, end).map((row, i) => (
              <FleetRow
                key={row.vm}
                row={row}
                index={start + i}
                latest={latest}
                selected={selected}
                onSelect={onSelect}
                now={now}
                alerts={alerts}
                alertsKnown={alertsKnown}
                hasLabels={hasLabels}
                onLabel={fromTop(setLabelText)}
                onSilence={onSilence}
                onUnsilence={onUnsilence}
              />
            ))}
            {end < shown.length && (
              <tr className="fleet-spacer" aria-hidden="true" style={{ height: (shown.length - end) * ROW_PX }} />
            )}
            {shown.length === 0 && rows.length > 0 && (
              <tr className="fleet-none">
                <td colSpan={columns} className="muted" data-testid="machines-none">
                  No machine matches.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function FleetRow({
  row,
  index,
  latest,
  selected,
  onSelect,
  now,
  alerts,
  alertsKnown,
  hasLabels,
  onLabel,
  onSilence,
  onUnsilence,
}) {
  const v = row.entry;
  const r = latest[v.vm];
  // The newest record (live) first, else what /api/vms or the snapshot said.
  const load = r?.carga_1 ?? v.carga_1;
  const disk = usedPercent(r?.disco_total, r?.disco_libre) ?? usedPercent(v.disco_total, v.disco_libre);
  // Marks (silences by pattern too) only for the rows drawn.
  const mark = vmMark(v.vm, alerts, now);
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
      className={classes.join(' ')}
      onClick={() => onSelect(v.vm)}
      onKeyDown={(e) => e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ') && onSelect(v.vm)}
      tabIndex={0}
      aria-selected={v.vm === selected}
      aria-rowindex={index + 2}
      data-vm={v.vm}
      data-testid={`fleet-${v.vm}`}
      data-alert={mark.status ?? 'none'}
      data-silenced={mark.silenced ? 'true' : 'false'}
      data-status={row.status}
    >
      <td>
        <span
          className={`dot ${row.status === 'down' ? 'dot-down' : row.status === 'stale' ? 'dot-stale' : 'dot-live'}`}
        />
        {v.vm}
      </td>
      <td className="num">{formatPercent(row.cpu)}%</td>
      <td className="num">{formatPercent(row.ram)}%</td>
      <td className="num" data-testid={`fleet-load-${v.vm}`}>
        {formatLoad(load)}
      </td>
      <td className="num" data-testid={`fleet-disk-${v.vm}`}>
        {disk === null ? '—' : `${formatPercent(disk, 0)}%`}
      </td>
      <td className="num">{formatCount(v.rows)}</td>
      <td className="num muted" data-testid={`fleet-seen-${v.vm}`}>
        {row.status === 'down' ? `last seen ${formatAgo(row.seenMs, now)}` : formatAgo(row.seenMs, now)}
      </td>
      {hasLabels && (
        <td className="fleet-labels">
          {row.labels.map(([k, val]) => (
            <button
              key={k}
              type="button"
              className="label-chip"
              title={`show only ${k}=${val}`}
              onClick={(e) => {
                e.stopPropagation();
                onLabel(`${k}=${val}`);
              }}
            >
              {k}={val}
            </button>
          ))}
        </td>
      )}
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
}
