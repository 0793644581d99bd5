import { useMemo, useRef, useState } from 'react';
import { Line } from 'react-chartjs-2';
import { timeSeriesOptions } from '../charts/options.js';
import { nearestX } from '../lib/axis.js';
import { zoomStep } from '../lib/history.js';

function hexToRgba(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/**
 * One metric over time, with optional extra lines (steal and iowait on the CPU chart,
 * load 5/15 beside load 1). Live: the main line with a soft fill, the extras as plain
 * lines. History: the main metric's min–max band (filled between the two band lines)
 * with its average on top, the extras' averages as lines. A click calls onPick with
 * the time of the nearest sample of the main line. In history, dragging across the
 * chart selects an interval and calls onZoom(fromMs, toMs) instead; with the chart
 * focused, + and - zoom in and out and the arrows move the window (zoomStep).
 */
export default function MetricChart({
  id,
  title,
  label = title,
  color,
  live,
  history,
  extra = [],
  spanMs,
  xMin,
  xMax,
  headline,
  bandLabel = 'min–max band, avg line',
  error,
  loading,
  yMax,
  format,
  tick,
  onPick,
  onZoom,
}) {
  const options = useMemo(
    () => timeSeriesOptions({ spanMs, xMin, xMax, yMax, format, tick }),
    [spanMs, xMin, xMax, yMax, format, tick],
  );
  const chartRef = useRef(null);
  const clickable = Boolean(onPick);
  // The time under the pointer, snapped to the nearest sample of the main line.
  // px: a position on the canvas, in CSS pixels from its left edge.
  const pickAt = (px) => {
    const chart = chartRef.current;
    if (!chart || !onPick) return;
    const x = chart.scales.x.getValueForPixel(px);
    if (Number.isFinite(x)) onPick(nearestX(history ? history.avg : (live ?? []), x));
  };
  // Drag to zoom: pixel offsets within the canvas while the button is down. The box
  // captures the pointer, so the release is seen even outside the chart; a release
  // within a few pixels of the press is a click and picks a time instead.
  const zoomable = Boolean(history && onZoom);
  const [drag, setDrag] = useState(null);
  const offsetX = (e) => e.clientX - chartRef.current.canvas.getBoundingClientRect().left;
  const dragHandlers = zoomable
    ? {
        onPointerDown: (e) => {
          if (e.button !== 0 || !chartRef.current) return;
          e.currentTarget.setPointerCapture?.(e.pointerId);
          const x = offsetX(e);
          setDrag({ x0: x, x1: x });
        },
        onPointerMove: (e) => drag && setDrag({ ...drag, x1: offsetX(e) }),
        onPointerUp: () => {
          if (!drag || !chartRef.current) return;
          setDrag(null);
          if (Math.abs(drag.x1 - drag.x0) < 5) return pickAt(drag.x0);
          const scale = chartRef.current.scales.x;
          onZoom(scale.getValueForPixel(drag.x0), scale.getValueForPixel(drag.x1));
        },
        onPointerCancel: () => setDrag(null),
      }
    : {};
  // The keyboard needs no drawn data, only the window: it keeps working (and the box
  // keeps the focus) while the window it chose is loading.
  const keyHandlers = onZoom
    ? {
        tabIndex: 0,
        onKeyDown: (e) => {
          const w = zoomStep({ fromMs: xMin, toMs: xMax }, e.key, Date.now());
          if (!w) return;
          e.preventDefault();
          onZoom(w.fromMs, w.toMs);
        },
      }
    : {};
  const datasets = useMemo(() => {
    const extras = extra.map((e) => ({
      label: e.label,
      data: (history ? e.history?.avg : e.live) ?? [],
      borderColor: e.color,
      borderWidth: 1.2,
    }));
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
        { label: extra.length ? `${label} avg` : 'avg', data: history.avg, borderColor: color },
        ...extras,
      ];
    }
    return [
      { label, data: live ?? [], borderColor: color, fill: 'origin', backgroundColor: hexToRgba(color, 0.08) },
      ...extras,
    ];
  }, [history, live, extra, color, label]);

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
          {history && <span className="legend-band" style={{ background: hexToRgba(color, 0.3) }} title={bandLabel} />}
          {history && <span className="muted small">{bandLabel}</span>}
          {extra.length > 0 && (
            <span className="legend small" data-testid={`legend-${id}`}>
              {[{ label, color }, ...extra].map((e) => (
                <span key={e.label} className="legend-item">
                  <span className="legend-line" style={{ background: e.color }} />
                  {e.label}
                </span>
              ))}
            </span>
          )}
          {headline}
        </div>
      </div>
      <div
        className={`chart-box${clickable ? ' chart-pick' : ''}${zoomable ? ' chart-zoom' : ''}`}
        {...dragHandlers}
        {...keyHandlers}
      >
        {drag && Math.abs(drag.x1 - drag.x0) >= 5 && (
          <div
            className="zoom-select"
            data-testid={`zoom-select-${id}`}
            style={{ left: Math.min(drag.x0, drag.x1), width: Math.abs(drag.x1 - drag.x0) }}
          />
        )}
        {count > 0 ? (
          <Line
            ref={chartRef}
            onClick={clickable && !zoomable ? (e) => pickAt(e.nativeEvent.offsetX) : undefined}
            data={{ datasets }}
            options={options}
            updateMode="none"
            role="img"
            aria-label={`${title} over time${clickable ? '; click a time to list its processes' : ''}${
              zoomable ? '; drag across a time interval, or press + or - or the arrows, to zoom' : ''
            }`}
          />
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
