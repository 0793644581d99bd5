// Only the Chart.js pieces the dashboard draws, so the bundle carries nothing else
// (Chart.js is tree-shakable; "chart.js/auto" would pull in every chart type).
import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  Filler,
  Tooltip,
  Decimation,
  DoughnutController,
  ArcElement,
} from 'chart.js';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  Filler,
  Tooltip,
  Decimation,
  DoughnutController,
  ArcElement,
);

Chart.defaults.color = '#8b95a7';
Chart.defaults.borderColor = 'rgba(148, 163, 184, 0.10)';
Chart.defaults.font.family = 'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.font.size = 11;
