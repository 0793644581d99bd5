import { useMemo } from 'react';
import { Line } from 'react-chartjs-2';
import { timeSeriesOptions } from '../charts/options.js';

function hexToRgba(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/**
 * One metric over time. Live: a line with a soft fill. History: the min–max band
 * (filled between the two band lines) with the average on top.
 */
export default function MetricChart({ id, title, color, live, history, spanMs, xMin, xMax, headline, error, loading }) {
  const options = useMemo(() => timeSeriesOptions({ spanMs, xMin, xMax }), [spanMs, xMin, xMax]);
  const datasets = useMemo(() => {
    if (history) {
      return [
        { label: 'min', data: history.min, borderWidth: 0, pointRadius: 0, band: true, fill: false },
        {
          label: 'max',
          data: history.max,
          borderWidth: 0,
          pointRadius: 0,
          band: true,
          fill: '-1',
          backgroundColor: hexToRgba(color, 0.18),
        },
        { label: 'avg', data: history.avg, borderColor: color },
      ];
    }
    return [
      { label: title, data: live ?? [], borderColor: color, fill: 'origin', backgroundColor: hexToRgba(color, 0.08) },
    ];
  }, [history, live, color, title]);

  // Samples drawn, not counting the null points that mark gaps.
  const count = useMemo(() => {
    const data = history ? history.avg : (live ?? []);
    let n = 0;
    for (const p of data) if (p.y !== null) n++;
    return n;
  }, [history, live]);
  return (
    <section className="card chart-card" data-testid={`chart-${id}`} data-points={count}>
      <div className="card-head">
        <h2 className="card-title">{title}</h2>
        <div className="card-meta">
          {history && <span className="legend-band" style={{ background: hexToRgba(color, 0.3) }} title="min–max" />}
          {history && <span className="muted small">min–max band, avg line</span>}
          {headline}
        </div>
      </div>
      <div className="chart-box">
        {count > 0 ? (
          <Line data={{ datasets }} options={options} updateMode="none" role="img" aria-label={`${title} over time`} />
        ) : (
          <div className="chart-empty muted">{loading ? 'Loading…' : error ? '' : 'No samples in this range'}</div>
        )}
      </div>
      {error && (
        <div className="inline-error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}
