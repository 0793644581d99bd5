import { useState } from 'react';
import { formatCount, formatPercent, formatMiB, formatClock } from '../lib/format.js';
import { normalizeProcesses, sortProcesses, filterProcesses, nextSort, stateName } from '../lib/processes.js';
import { horaToMs } from '../lib/time.js';

const ROWS = [
  { key: 'procesos_corriendo', label: 'Running', color: '#4ade80' },
  { key: 'procesos_durmiendo', label: 'Sleeping', color: '#60a5fa' },
  { key: 'procesos_zombie', label: 'Zombie', color: '#f87171' },
  { key: 'procesos_parados', label: 'Stopped', color: '#fbbf24' },
];

const COLUMNS = [
  { key: 'cpu', label: 'CPU %' },
  { key: 'mem', label: 'Memory' },
];

/**
 * The selected VM's processes: the counts by state of the newest record, and the
 * agent's top list (procesos_top) like `top`, sortable by CPU and memory, filtered by
 * name. `past` is the list stored at a time picked on a chart (hooks/useProcesses.js:
 * {status, hora, procesos}); while it is set the table shows that list and a way back.
 */
export default function ProcessTable({ record, atMs = null, past = null, onBackToLive }) {
  const [sort, setSort] = useState({ key: 'cpu', dir: 'desc' });
  const [filter, setFilter] = useState('');
  const atTime = Number.isFinite(atMs);
  const list = atTime ? (past?.status === 'ok' ? past.procesos : null) : normalizeProcesses(record?.procesos_top);
  const shown = list ? sortProcesses(filterProcesses(list, filter), sort.key, sort.dir) : null;

  let empty = null;
  if (atTime && past?.status === 'missing') empty = 'No process list stored for that time.';
  else if (atTime && past?.status === 'error') empty = past.error;
  else if (atTime && !list) empty = 'Loading…';
  else if (!list) empty = record ? '— (this VM’s agent sends no process list)' : '—';
  else if (shown.length === 0) empty = list.length === 0 ? 'The list is empty.' : `No process matches “${filter}”.`;

  return (
    <section
      className="card proc-card"
      data-testid="proc-card"
      data-mode={atTime ? 'at' : 'live'}
      data-status={atTime ? (past?.status ?? 'loading') : list ? 'ok' : 'none'}
    >
      <div className="card-head">
        <h2 className="card-title">Processes</h2>
        <label className="proc-filter">
          <span className="sr-only">Filter processes by name</span>
          <input
            type="search"
            placeholder="Filter by name or pid"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            data-testid="proc-filter"
          />
        </label>
      </div>
      {atTime ? (
        <div className="proc-at" role="status" data-testid="proc-at" data-at-ms={atMs} data-hora={past?.hora ?? ''}>
          <span>
            At <strong>{formatClock(atMs)}</strong>
            {past?.hora && ` (stored sample of ${formatClock(horaToMs(past.hora))})`}
          </span>
          <button type="button" className="link-button" onClick={onBackToLive} data-testid="proc-live">
            Back to live
          </button>
        </div>
      ) : (
        <StateCounts record={record} />
      )}
      <div className="proc-scroll">
        <table className="top-table" data-testid="top-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                PID
              </th>
              <th scope="col">Name</th>
              <th scope="col" title="process state">
                S
              </th>
              {COLUMNS.map((c) => {
                const active = sort.key === c.key;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    className="num"
                    aria-sort={active ? (sort.dir === 'desc' ? 'descending' : 'ascending') : 'none'}
                    data-testid={`sort-${c.key}`}
                  >
                    <button type="button" className="sort-button" onClick={() => setSort((s) => nextSort(s, c.key))}>
                      {c.label}
                      <span aria-hidden="true">{active ? (sort.dir === 'desc' ? ' ▼' : ' ▲') : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {/* Rows keyed by position: they hold no state and the order changes every second,
                so cells are rewritten in place rather than rows moved (with pid keys a read
                in Chromium once caught the rows out of the sorted order). */}
            {(shown ?? []).map((p, i) => (
              <tr
                key={i}
                data-testid="proc-row"
                data-pid={p.pid}
                data-name={p.nombre}
                data-cpu={p.porcentaje_cpu ?? ''}
                data-mem={p.ram_mib ?? ''}
              >
                <td className="num muted">{p.pid}</td>
                <td className="proc-name" title={p.nombre}>
                  {p.nombre}
                </td>
                <td>
                  <abbr title={stateName(p.estado)} className={`state state-${p.estado}`}>
                    {p.estado}
                  </abbr>
                </td>
                <td className="num">{formatPercent(p.porcentaje_cpu)}</td>
                <td className="num">{formatMiB(p.ram_mib)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {empty && (
          <p className="proc-empty muted" data-testid="proc-empty">
            {empty}
          </p>
        )}
      </div>
    </section>
  );
}

/** Counts by state of the newest record, with each state's share of the total. */
function StateCounts({ record }) {
  const total = Number(record?.total_procesos);
  return (
    <table className="proc-table" data-testid="proc-table">
      <tbody>
        {ROWS.map((row) => {
          const n = Number(record?.[row.key]);
          const share = total > 0 && Number.isFinite(n) ? (n / total) * 100 : 0;
          return (
            <tr key={row.key} data-testid={`proc-${row.key}`}>
              <th scope="row">
                <span className="dot" style={{ background: row.color }} />
                {row.label}
              </th>
              <td className="proc-bar">
                <div className="meter">
                  <div className="meter-fill" style={{ width: `${share}%`, background: row.color }} />
                </div>
              </td>
              <td className="num">{formatCount(n)}</td>
            </tr>
          );
        })}
        <tr className="proc-total" data-testid="proc-total_procesos">
          <th scope="row">Total</th>
          <td />
          <td className="num">{formatCount(total)}</td>
        </tr>
      </tbody>
    </table>
  );
}
