import { formatCount } from '../lib/format.js';

const ROWS = [
  { key: 'procesos_corriendo', label: 'Running', color: '#4ade80' },
  { key: 'procesos_durmiendo', label: 'Sleeping', color: '#60a5fa' },
  { key: 'procesos_zombie', label: 'Zombie', color: '#f87171' },
  { key: 'procesos_parados', label: 'Stopped', color: '#fbbf24' },
];

/** Process counts by state for the selected VM, with each state's share of the total. */
export default function ProcessTable({ record }) {
  const total = Number(record?.total_procesos);
  return (
    <section className="card">
      <h2 className="card-title">Processes</h2>
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
    </section>
  );
}
