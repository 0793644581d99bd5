// The charts after CPU and memory: which series of lib/metrics.js each draws, in what
// colour and unit. A chart whose series the VM does not send (a v1 agent) is hidden.
import { formatLoad, formatRate, formatPercent } from '../lib/format.js';

const plain = (v) => String(v);

/** Extra lines on the CPU chart: time stolen by the hypervisor and waiting for I/O. */
export const CPU_EXTRA = Object.freeze([
  { key: 'steal', label: 'steal', color: '#f87171' },
  { key: 'iowait', label: 'iowait', color: '#fbbf24' },
]);

/** On the memory chart: the share of swap in use. */
export const MEM_EXTRA = Object.freeze([{ key: 'swap', label: 'swap', color: '#f472b6' }]);

/** The v2 series' history is {avg, max} per bucket: the band goes from the average to the peak. */
export const PEAK_BAND = 'avg line, band up to the peak';

export const PANELS = Object.freeze([
  {
    id: 'load',
    title: 'Load average',
    main: { key: 'load1', label: '1 min', color: '#f472b6' },
    extra: [
      { key: 'load5', label: '5 min', color: '#fb923c' },
      { key: 'load15', label: '15 min', color: '#a3e635' },
    ],
    yMax: null,
    format: formatLoad,
    tick: plain,
  },
  {
    id: 'disk',
    title: 'Disk used',
    main: { key: 'diskUsed', label: 'used', color: '#34d399' },
    extra: [],
    yMax: 100,
    format: (v) => `${formatPercent(v)}%`,
    tick: (v) => `${v}%`,
  },
  {
    id: 'diskio',
    title: 'Disk I/O',
    main: { key: 'diskRead', label: 'read', color: '#60a5fa' },
    extra: [{ key: 'diskWrite', label: 'write', color: '#f59e0b' }],
    yMax: null,
    format: formatRate,
    tick: formatRate,
  },
  {
    id: 'net',
    title: 'Network',
    main: { key: 'netRx', label: 'received', color: '#22d3ee' },
    extra: [{ key: 'netTx', label: 'sent', color: '#a78bfa' }],
    yMax: null,
    format: formatRate,
    tick: formatRate,
  },
]);
