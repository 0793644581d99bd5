// The cards rendered to HTML (no browser): what a person reads for a given record.
import { describe, it, expect } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import StatCards from '../../src/components/StatCards.jsx';
import ProcessTable from '../../src/components/ProcessTable.jsx';
import ConnectionBadge from '../../src/components/ConnectionBadge.jsx';
import EmptyState from '../../src/components/EmptyState.jsx';
import FleetTable from '../../src/components/FleetTable.jsx';
import Header, { PICKER_MAX } from '../../src/components/Header.jsx';
import { normalizeSplit } from '../../src/lib/split.js';
import SplitCard from '../../src/components/SplitCard.jsx';
import AlertBar from '../../src/components/AlertBar.jsx';
import AlertHistory from '../../src/components/AlertHistory.jsx';
import { normalizeAlerts, shapeAlertHistory } from '../../src/lib/alerts.js';

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

  it("machines table shows CPU and RAM from the hub's VM list when no record came yet", () => {
    const html = renderToStaticMarkup(
      <FleetTable
        vms={[{ vm: 'web-9', last: '2026-01-01 12:00:29', rows: 3, porcentaje_cpu_uso: 33.3, porcentaje_ram: 61.2 }]}
        latest={{}}
        onSelect={() => {}}
        now={now}
      />,
    );
    expect(html).toMatch(/33\.3%[^]*61\.2%/);
  });
});

describe('machines table at fleet scale', () => {
  const many = Array.from({ length: 10_000 }, (_, i) => ({
    vm: `vm-${String(i).padStart(5, '0')}`,
    last: '2026-01-01 12:00:29',
    rows: 1,
    porcentaje_cpu_uso: i % 100,
    porcentaje_ram: 50,
  }));
  const render = (vms) => renderToStaticMarkup(<FleetTable vms={vms} latest={{}} onSelect={() => {}} now={now} />);

  it('renders only the rows in view of 10,000, with spacers standing in for the rest', () => {
    const html = render(many);
    const drawn = [...html.matchAll(/data-vm="([^"]+)"/g)].map((m) => m[1]);
    expect(drawn.length).toBeGreaterThan(5);
    expect(drawn.length).toBeLessThan(40);
    expect(drawn[0]).toBe('vm-00000');
    expect(html).toMatch(/class="fleet-spacer"[^>]*style="height:\d{6}px"/);
    expect(html).toContain('10,000 VMs');
  });

  it('the VM picker holds only the chosen VM past PICKER_MAX VMs, and every VM below it', () => {
    const props = { onVm: () => {}, range: 'live', onRange: () => {}, conn: { status: 'open' }, now };
    const big = renderToStaticMarkup(<Header vms={many} vm="vm-00042" {...props} />);
    expect([...big.matchAll(/<option/g)]).toHaveLength(2);
    expect(big).toContain('10,000 VMs: search them under Machines');
    const small = renderToStaticMarkup(<Header vms={many.slice(0, PICKER_MAX)} vm="vm-00042" {...props} />);
    expect([...small.matchAll(/<option/g)]).toHaveLength(PICKER_MAX);
  });

  it('shows labels as key=value with a label filter only when the hub sends them', () => {
    const plain = render(many.slice(0, 3));
    expect(plain).not.toContain('machines-label');
    expect(plain).not.toContain('Labels');
    const labelled = render([{ ...many[0], etiquetas: { role: 'web', env: 'prod' } }, many[1]]);
    expect(labelled).toContain('data-testid="machines-label"');
    expect(labelled).toMatch(/env=prod<\/button>[^]*role=web<\/button>/);
  });
});

describe('contract v2 in the cards', () => {
  const top = [
    { pid: 12, nombre: 'nginx', estado: 'S', porcentaje_cpu: 3.5, ram_mib: 40 },
    { pid: 7, nombre: 'postgres', estado: 'D', porcentaje_cpu: 12.25, ram_mib: 900 },
    { pid: 99, nombre: 'defunct', estado: 'Z', porcentaje_cpu: 0, ram_mib: 0 },
  ];
  const v2 = {
    ...record,
    carga_1: 0.5,
    carga_5: 0.75,
    carga_15: 1,
    swap_total: 2048,
    swap_libre: 1024,
    disco_total: 10240,
    disco_libre: 2560,
    tiempo_activo: 90061,
    procesos_top: top,
  };
  const rowsOf = (html) => [...html.matchAll(/data-name="([^"]+)"/g)].map((m) => m[1]);

  it('process table: the counts and the top list, busiest CPU first, states with their titles', () => {
    const html = renderToStaticMarkup(<ProcessTable record={v2} />);
    expect(rowsOf(html)).toEqual(['postgres', 'nginx', 'defunct']);
    expect(html).toMatch(/aria-sort="descending" data-testid="sort-cpu"/);
    expect(html).toMatch(/aria-sort="none" data-testid="sort-mem"/);
    expect(html).toContain('<abbr title="zombie" class="state state-Z">Z</abbr>');
    expect(text(<ProcessTable record={v2} />)).toMatch(/Running 4 .*Total 297 .*postgres D 12\.3 900 MiB/);
  });

  it('process table: a v1 record keeps its counts and says the list is not sent', () => {
    const t = text(<ProcessTable record={record} />);
    expect(t).toMatch(/Total 297/);
    expect(t).toContain('— (this VM’s agent sends no process list)');
    expect(t).not.toMatch(/NaN|undefined/);
  });

  it('process table at a past time: the stored list, a way back, and a 404 said plainly', () => {
    const at = Date.UTC(2026, 0, 1, 11, 50, 0);
    const ok = { status: 'ok', hora: '2026-01-01 11:49:58', procesos: top.slice(0, 1) };
    const html = renderToStaticMarkup(<ProcessTable record={v2} atMs={at} past={ok} />);
    expect(rowsOf(html)).toEqual(['nginx']);
    expect(html).toContain('Back to live');
    expect(html).toContain('data-hora="2026-01-01 11:49:58"');
    expect(html).not.toContain('data-testid="proc-table"');
    const missing = text(<ProcessTable record={v2} atMs={at} past={{ status: 'missing' }} />);
    expect(missing).toContain('No process list stored for that time.');
    expect(text(<ProcessTable record={v2} atMs={at} past={{ status: 'loading' }} />)).toContain('Loading…');
  });

  it('stat cards: load, uptime, swap and disk of a v2 record; dashes from a v1 record', () => {
    const t = text(<StatCards record={v2} now={now} />);
    expect(t).toContain('swap 1.00 GiB of 2.00 GiB used');
    expect(t).toMatch(/Load 0\.50 5 min 0\.75 · 15 min 1\.00 up 1 d 1 h/);
    expect(t).toMatch(/Disk 75\.0 % 2\.50 GiB free of 10\.0 GiB/);
    const v1 = text(<StatCards record={record} now={now} />);
    expect(v1).toMatch(/Load — 5 min — · 15 min — up —/);
    expect(v1).toContain('swap —');
    expect(v1).toMatch(/Disk — not sent by this agent/);
    expect(v1).not.toMatch(/NaN|undefined/);
    expect(text(<StatCards record={{ ...v2, swap_total: 0, swap_libre: 0 }} now={now} />)).toContain('no swap');
  });

  it('machines table: load and disk used from the newest record, else from /api/vms, else a dash', () => {
    const t = text(
      <FleetTable
        vms={[
          { vm: 'a', last: '2026-01-01 12:00:00', rows: 1 },
          { vm: 'b', last: '2026-01-01 12:00:00', rows: 1, carga_1: 2, disco_total: 100, disco_libre: 90 },
          { vm: 'c', last: '2026-01-01 12:00:00', rows: 1 },
        ]}
        latest={{ a: v2, c: record }}
        selected="a"
        onSelect={() => {}}
        now={now}
      />,
    );
    expect(t).toMatch(/a 41\.3% 62\.5% 0\.50 75% 1/);
    expect(t).toMatch(/b —% —% 2\.00 10% 1/);
    expect(t).toMatch(/c 41\.3% 62\.5% — — 1/);
  });
});

describe('alerts', () => {
  const a = (over) => ({
    rule: 'cpu_high',
    vm: 'web-1',
    severity: 'warning',
    state: 'firing',
    value: 95.25,
    threshold: 90,
    since: '2026-01-01 11:58:30',
    silenced: false,
    ...over,
  });
  const alerts = normalizeAlerts({
    active: [
      a({ vm: 'web-2', state: 'pending', fingerprint: '1' }),
      a({ vm: 'db-1', rule: 'vm_down', severity: 'critical', value: null, threshold: null, fingerprint: '2' }),
      a({ fingerprint: '3' }),
    ],
    silences: [{ id: 4, match: 'web-1', until: '2026-01-01 14:00:00', comment: 'deploy' }],
  });

  it('the bar lists severity, VM, value and since, firing and critical first', () => {
    const t = text(
      <AlertBar alerts={alerts} known now={now} onSelectVm={() => {}} historyOpen={false} onToggleHistory={() => {}} />,
    );
    expect(t).toMatch(/2 firing \(1 critical\) · 1 pending/);
    expect(t).toMatch(
      /critical db-1 down no data .*warning web-1 cpu_high 95\.3 \(threshold 90\) since .*\(2 min ago\) silenced .*warning pending web-2/,
    );
  });

  it('the bar says when nothing is active, and is absent for a hub without alerts', () => {
    const none = normalizeAlerts({ active: [], silences: [] });
    const props = { now, onSelectVm: () => {}, historyOpen: false, onToggleHistory: () => {} };
    expect(text(<AlertBar alerts={none} known {...props} />)).toContain('No active alerts');
    expect(renderToStaticMarkup(<AlertBar alerts={none} known={false} {...props} />)).toBe('');
  });

  it('machines table marks down (greyed, last seen), firing, pending and silenced', () => {
    const html = renderToStaticMarkup(
      <FleetTable
        vms={[
          { vm: 'db-1', last: '2026-01-01 11:58:30', rows: 1 },
          { vm: 'web-1', last: '2026-01-01 12:00:29', rows: 1 },
          { vm: 'web-2', last: '2026-01-01 12:00:29', rows: 1 },
          { vm: 'web-3', last: '2026-01-01 12:00:29', rows: 1 },
        ]}
        latest={{}}
        selected="web-3"
        onSelect={() => {}}
        now={now}
        alerts={alerts}
        alertsKnown
        onSilence={() => {}}
        onUnsilence={() => {}}
      />,
    );
    expect(html).toMatch(/class="vm-down"[^>]*data-alert="down"[^]*last seen 2 min ago[^]*>down</);
    expect(html).toMatch(/class="vm-firing sev-warning vm-silenced"[^>]*data-alert="firing" data-silenced="true"/);
    expect(html).toMatch(/Unsilence web-1/);
    expect(html).toMatch(/data-alert="pending"[^]*Silence web-2…/);
    expect(html).toMatch(/data-testid="fleet-web-3" data-alert="none" data-silenced="false"/);
  });

  it('history rows, newest first, with the change and whether it was silenced', () => {
    const rows = shapeAlertHistory({
      history: [
        {
          id: 1,
          rule: 'cpu_high',
          vm: 'web-1',
          severity: 'warning',
          from: 'inactive',
          state: 'pending',
          at: '2026-01-01 11:00:00',
          value: 91,
          threshold: 90,
        },
        {
          id: 2,
          rule: 'cpu_high',
          vm: 'web-1',
          severity: 'warning',
          from: 'pending',
          state: 'firing',
          at: '2026-01-01 11:02:00',
          value: 93,
          threshold: 90,
          silenced: true,
        },
      ],
    });
    const t = text(<AlertHistory rows={rows} error={null} onSelectVm={() => {}} />);
    expect(t).toMatch(/pending → firing silenced 93 .*inactive → pending 91/);
    expect(text(<AlertHistory rows={[]} error={null} onSelectVm={() => {}} />)).toContain('No alert changed');
    expect(
      text(<AlertHistory rows={null} error="Alert history unavailable: HTTP 500" onSelectVm={() => {}} />),
    ).toContain('HTTP 500');
  });
});
