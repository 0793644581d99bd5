// Chart.js options for the time-series charts: no animation (a per-second stream
// would animate forever), pre-shaped {x,y} points (parsing: false), a linear x axis in
// epoch ms with our own tick labels (no date adapter in the bundle), and min-max
// decimation so an hour of per-second points draws as fast as a minute.
import { formatTick, formatClock, formatPercent } from '../lib/format.js';

// Tick spacing that lands on round clock times: the smallest step giving ≤ 7 ticks.
// Days for the 7 d / 30 d / 1 y ranges.
const DAY = 86400;
const STEPS_MS = [
  10,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  7200,
  10800,
  21600,
  43200,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  61 * DAY,
].map((s) => s * 1000);

export function tickStep(spanMs, maxTicks = 7) {
  return STEPS_MS.find((step) => spanMs / step <= maxTicks) ?? STEPS_MS[STEPS_MS.length - 1];
}

/** Ticks on whole multiples of `step` (in the viewer's zone) between min and max. */
export function roundTicks(min, max, step) {
  const offset = new Date(min).getTimezoneOffset() * 60_000;
  const ticks = [];
  for (let t = Math.ceil((min - offset) / step) * step + offset; t <= max; t += step) ticks.push({ value: t });
  return ticks;
}

const percent = (v) => `${formatPercent(v)}%`;
const percentTick = (v) => `${v}%`;

/**
 * xMin/xMax pin the axis to the data (live) or to the chosen range (history). yMax
 * null lets the axis grow with the data (load, KiB/s); `format` writes a value with
 * its unit in the tooltip, `tick` on the axis.
 */
export function timeSeriesOptions({ spanMs, xMin, xMax, yMax = 100, format = percent, tick = percentTick }) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    spanGaps: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: {
      point: { radius: 0, hoverRadius: 3, hitRadius: 6 },
      line: { borderWidth: 1.6, tension: 0 },
    },
    scales: {
      x: {
        type: 'linear',
        min: xMin,
        max: xMax,
        grid: { display: false },
        afterBuildTicks: (axis) => {
          axis.ticks = roundTicks(axis.min, axis.max, tickStep(spanMs));
        },
        ticks: {
          maxRotation: 0,
          callback: (v) => formatTick(Number(v), spanMs),
        },
      },
      y: {
        min: 0,
        max: yMax ?? undefined,
        ticks: { maxTicksLimit: 5, callback: (v) => tick(Number(v)) },
        grid: { color: 'rgba(148, 163, 184, 0.08)' },
        border: { display: false },
      },
    },
    plugins: {
      decimation: { enabled: true, algorithm: 'min-max' },
      legend: { display: false },
      tooltip: {
        backgroundColor: '#0f1522',
        borderColor: '#263042',
        borderWidth: 1,
        padding: 10,
        displayColors: true,
        filter: (item) => !item.dataset.band,
        callbacks: {
          title: (items) => (items.length ? formatClock(items[0].parsed.x) : ''),
          label: (item) => ` ${item.dataset.label}: ${format(item.parsed.y)}`,
        },
      },
    },
  };
}
