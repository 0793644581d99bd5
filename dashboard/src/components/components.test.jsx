// The cards rendered to HTML (no browser): what a person reads for a given record.
import { describe, it, expect } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import StatCards from './StatCards.jsx';
import ProcessTable from './ProcessTable.jsx';
import ConnectionBadge from './ConnectionBadge.jsx';
import EmptyState from './EmptyState.jsx';
import FleetTable from './FleetTable.jsx';
import { normalizeSplit } from '../lib/split.js';
import SplitCard from './SplitCard.jsx';

const now = Date.UTC(2026, 0, 1, 12, 0, 30);
const record = {
  id: 7,
  vm: 'web-1',
  total_ram: 16000,
  ram_libre: 6000,
  uso_ram: 10000,
  porcentaje_ram: 62.5,
  porcentaje_cpu_uso: 41.25,
  porcentaje_cpu_libre: 58.75,
  procesos_corriendo: 4,
  procesos_durmiendo: 290,
  procesos_zombie: 2,
  procesos_parados: 1,
  total_procesos: 297,
  hora: '2026-01-01 12:00:00',
  api: 'cpp',
};
const text = (el) =>
  renderToStaticMarkup(el)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('cards', () => {
  it('big numbers of the newest record', () => {
    const t = text(<StatCards record={record} now={now} />);
    expect(t).toContain('41.3 %'); // 41.25 rounds half up in toFixed's binary view
    expect(t).toContain('62.5 %');
    expect(t).toContain('9.77 GiB of 15.6 GiB · 5.86 GiB available');
    expect(t).toContain('297');
    expect(t).toContain('30 s ago');
    expect(t).toContain('via cpp');
  });

  it('dashes, not NaN, before any record', () => {
    const t = text(<StatCards record={null} now={now} />);
    expect(t).not.toMatch(/NaN|undefined/);
    expect(t).toContain('waiting for data');
  });

  it('process states with their counts', () => {
    const t = text(<ProcessTable record={record} />);
    expect(t).toMatch(/Running 4 .*Sleeping 290 .*Zombie 2 .*Stopped 1 .*Total 297/);
  });

  it('connection badge: live, counting down, offline', () => {
    expect(text(<ConnectionBadge conn={{ status: 'open' }} now={0} />)).toContain('Live');
    expect(text(<ConnectionBadge conn={{ status: 'reconnecting', retryAt: 2300 }} now={0} />)).toContain(
      'Reconnecting in 3 s',
    );
    expect(text(<ConnectionBadge conn={{ status: 'offline' }} now={0} />)).toContain('Offline');
    expect(text(<ConnectionBadge conn={{ status: 'open' }} now={0} stale />)).toContain('Catching up');
  });

  it('the empty state says how to start an agent', () => {
    expect(text(<EmptyState />)).toMatch(/vmpulse-agent --push/);
  });

  it('split counts and shares', () => {
    const t = text(<SplitCard split={normalizeSplit({ cpp: 1500, nodejs: 500, total: 2000 })} />);
    expect(t).toContain('2,000');
    expect(t).toMatch(/C\+\+ 1,500 75\.0%/);
    expect(t).toMatch(/Node\.js 500 25\.0%/);
  });

  it('machines table marks a VM silent for 30 s or more as stale', () => {
    const html = renderToStaticMarkup(
      <FleetTable
        vms={[
          { vm: 'web-1', last: '2026-01-01 12:00:00', rows: 10 },
          { vm: 'web-2', last: '2026-01-01 12:00:29', rows: 3 },
        ]}
        latest={{ 'web-1': record }}
        selected="web-2"
        onSelect={() => {}}
        now={now + 1000}
      />,
    );
    expect(html).toMatch(/dot-stale[^]*web-1/);
    expect(html).toMatch(/class="selected"[^]*web-2/);
  });
});
