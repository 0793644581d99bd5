import { formatPercent, formatMiB, formatCount, formatAgo, formatLoad, formatUptime } from '../lib/format.js';
import { usedPercent } from '../lib/metrics.js';
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

/** "swap 120 MiB of 2.00 GiB used", "no swap", or "swap —" from a v1 agent. */
export function swapText(r) {
  if (typeof r.swap_total !== 'number' || typeof r.swap_libre !== 'number') return 'swap —';
  if (r.swap_total === 0) return 'no swap';
  return `swap ${formatMiB(r.swap_total - r.swap_libre)} of ${formatMiB(r.swap_total)} used`;
}

/** The big numbers of the selected VM's newest record (the v2 ones read "—" from a v1 agent). */
export default function StatCards({ record, now }) {
  const r = record ?? {};
  const ts = horaToMs(r.hora);
  const age = Number.isFinite(ts) ? now - ts : NaN;
  const disk = usedPercent(r.disco_total, r.disco_libre);
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
          <>
            <span data-testid="stat-ram-mib">
              {formatMiB(r.uso_ram)} of {formatMiB(r.total_ram)} · {formatMiB(r.ram_libre)} available
            </span>
            <br />
            <span data-testid="stat-swap">{swapText(r)}</span>
          </>
        }
      />
      <Stat
        id="load"
        label="Load"
        value={formatLoad(r.carga_1)}
        accent="#f472b6"
        sub={
          <>
            <span data-testid="stat-load-sub">
              5 min {formatLoad(r.carga_5)} · 15 min {formatLoad(r.carga_15)}
            </span>
            <br />
            <span data-testid="stat-uptime">up {formatUptime(r.tiempo_activo)}</span>
          </>
        }
      />
      <Stat
        id="disk"
        label="Disk"
        value={formatPercent(disk)}
        unit={disk === null ? undefined : '%'}
        accent="#34d399"
        meter={disk ?? 0}
        sub={
          <span data-testid="stat-disk-sub">
            {disk === null
              ? 'not sent by this agent'
              : `${formatMiB(r.disco_libre)} free of ${formatMiB(r.disco_total)}`}
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
