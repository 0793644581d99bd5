import { formatPercent, formatMiB, formatCount, formatAgo } from '../lib/format.js';
import { horaToMs } from '../lib/time.js';

function Stat({ id, label, value, unit, sub, accent, meter }) {
  return (
    <section className="card stat" data-testid={`stat-${id}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value" style={accent ? { color: accent } : undefined}>
        <span data-testid={`stat-${id}-value`}>{value}</span>
        {unit && <span className="stat-unit">{unit}</span>}
      </div>
      {meter !== undefined && (
        <div className="meter" aria-hidden="true">
          <div
            className="meter-fill"
            style={{ width: `${Math.max(0, Math.min(100, meter || 0))}%`, background: accent }}
          />
        </div>
      )}
      <div className="stat-sub">{sub}</div>
    </section>
  );
}

/** The big numbers of the selected VM's newest record. */
export default function StatCards({ record, now }) {
  const r = record ?? {};
  const ts = horaToMs(r.hora);
  const age = Number.isFinite(ts) ? now - ts : NaN;
  return (
    <div className="stats">
      <Stat
        id="cpu"
        label="CPU"
        value={formatPercent(r.porcentaje_cpu_uso)}
        unit="%"
        accent="#38bdf8"
        meter={r.porcentaje_cpu_uso}
        sub={`${formatPercent(r.porcentaje_cpu_libre)}% idle`}
      />
      <Stat
        id="ram"
        label="Memory"
        value={formatPercent(r.porcentaje_ram)}
        unit="%"
        accent="#c084fc"
        meter={r.porcentaje_ram}
        sub={
          <span data-testid="stat-ram-mib">
            {formatMiB(r.uso_ram)} of {formatMiB(r.total_ram)} · {formatMiB(r.ram_libre)} available
          </span>
        }
      />
      <Stat
        id="procs"
        label="Processes"
        value={formatCount(r.total_procesos)}
        sub={`${formatCount(r.procesos_corriendo)} running`}
      />
      <Stat
        id="last"
        label="Last sample"
        value={Number.isFinite(ts) ? formatAgo(ts, now) : '—'}
        sub={r.hora ? `${r.hora} UTC · via ${r.api ?? '?'}` : 'waiting for data'}
        accent={Number.isFinite(age) && age > 30_000 ? '#fbbf24' : undefined}
      />
    </div>
  );
}
