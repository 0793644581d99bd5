import { formatPercent, formatAgo, formatCount } from '../lib/format.js';
import { horaToMs } from '../lib/time.js';

/** Every VM's newest numbers; a row click selects it (the picker's long form). */
export default function FleetTable({ vms, latest, selected, onSelect, now }) {
  return (
    <section className="card fleet">
      <h2 className="card-title">Machines</h2>
      <table className="fleet-table" data-testid="fleet">
        <thead>
          <tr>
            <th>VM</th>
            <th className="num">CPU</th>
            <th className="num">RAM</th>
            <th className="num">Rows</th>
            <th className="num">Seen</th>
          </tr>
        </thead>
        <tbody>
          {vms.map((v) => {
            const r = latest[v.vm];
            const seen = horaToMs(v.last);
            const stale = Number.isFinite(seen) && now - seen > 30_000;
            return (
              <tr
                key={v.vm}
                className={v.vm === selected ? 'selected' : ''}
                onClick={() => onSelect(v.vm)}
                onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onSelect(v.vm)}
                tabIndex={0}
                aria-selected={v.vm === selected}
                data-testid={`fleet-${v.vm}`}
              >
                <td>
                  <span className={`dot ${stale ? 'dot-stale' : 'dot-live'}`} />
                  {v.vm}
                </td>
                <td className="num">{formatPercent(r?.porcentaje_cpu_uso)}%</td>
                <td className="num">{formatPercent(r?.porcentaje_ram)}%</td>
                <td className="num">{formatCount(v.rows)}</td>
                <td className="num muted">{formatAgo(seen, now)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
