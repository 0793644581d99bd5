import { Doughnut } from 'react-chartjs-2';
import { formatCount, formatShare } from '../lib/format.js';

const COLORS = { cpp: '#60a5fa', nodejs: '#4ade80' };
const NAMES = { cpp: 'C++', nodejs: 'Node.js' };

const OPTIONS = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  cutout: '72%',
  plugins: { tooltip: { enabled: false } },
};

/** Rows stored by each ingest route (the 50/50 split), as counts, shares and a ring. */
export default function SplitCard({ split }) {
  const empty = split.total === 0;
  const data = {
    labels: ['cpp', 'nodejs'],
    datasets: [
      {
        data: empty ? [1] : [split.cpp, split.nodejs],
        backgroundColor: empty ? ['#1e293b'] : [COLORS.cpp, COLORS.nodejs],
        borderWidth: 0,
      },
    ],
  };
  return (
    <section className="card split" data-testid="split">
      <h2 className="card-title">Ingest split</h2>
      <div className="split-body">
        <div className="split-ring">
          <Doughnut data={data} options={OPTIONS} aria-label="rows per route" />
          <div className="split-ring-center">
            <div className="split-total" data-testid="split-total">
              {formatCount(split.total)}
            </div>
            <div className="muted">rows</div>
          </div>
        </div>
        <ul className="split-legend">
          {['cpp', 'nodejs'].map((k) => (
            <li key={k}>
              <span className="dot" style={{ background: COLORS[k] }} />
              <span className="split-name" title={`route ${k}`}>
                {NAMES[k]}
              </span>
              <span className="num" data-testid={`split-${k}`}>
                {formatCount(split[k])}
              </span>
              <span className="num muted" data-testid={`split-${k}-share`}>
                {formatShare(split.shares[k])}
              </span>
            </li>
          ))}
        </ul>
      </div>
      {empty && <p className="muted small">No rows stored yet through either route.</p>}
    </section>
  );
}
