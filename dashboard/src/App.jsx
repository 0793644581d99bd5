import { useEffect, useMemo, useRef, useState } from 'react';
import Header from './components/Header.jsx';
import StatCards from './components/StatCards.jsx';
import MetricChart from './components/MetricChart.jsx';
import ProcessTable from './components/ProcessTable.jsx';
import SplitCard from './components/SplitCard.jsx';
import FleetTable from './components/FleetTable.jsx';
import EmptyState from './components/EmptyState.jsx';
import AlertBar from './components/AlertBar.jsx';
import AlertHistory from './components/AlertHistory.jsx';
import SilenceDialog from './components/SilenceDialog.jsx';
import { useHub } from './hooks/useHub.js';
import { useHistory } from './hooks/useHistory.js';
import { useNow } from './hooks/useNow.js';
import { useAlertHistory } from './hooks/useAlertHistory.js';
import { useSilences } from './hooks/useSilences.js';
import { useProcesses } from './hooks/useProcesses.js';
import { useFirstDataPaint } from './hooks/useFirstDataPaint.js';
import { PANELS, CPU_EXTRA, MEM_EXTRA, PEAK_BAND } from './charts/panels.js';
import { SERIES_KEYS, recordValues, hasValues } from './lib/metrics.js';
import { vmMark } from './lib/alerts.js';
import { chartData } from './lib/series.js';
import { breakGaps, liveGapMs } from './lib/gaps.js';
import { rangeById, clampZoom } from './lib/history.js';
import { readView, writeView } from './lib/urlState.js';
import { formatPercent, formatCountdown, formatTabTitle, formatDateTime } from './lib/format.js';
import { timeWindow } from './lib/axis.js';

export default function App({ hub }) {
  const [view, setView] = useState(() => readView(window.location.search));
  const { state, conn } = useHub(hub, view.vm);
  const now = useNow(1000);
  const range = rangeById(view.range);
  const vm = state.vm;
  const zoom = range.minutes ? view.zoom : null;
  const history = useHistory(hub.apiBase ?? '', range.minutes ? vm : null, range.minutes, zoom);
  const [alertHistoryOpen, setAlertHistoryOpen] = useState(false);
  const [silencing, setSilencing] = useState(null); // the VM whose silence dialog is open
  const [silenceError, setSilenceError] = useState(null);
  const { silence, unsilence } = useSilences(hub.apiBase ?? '');
  // The history view reloads when an alert changes (a new state or a new alert).
  const alertsKey = state.alerts.active.map((a) => `${a.fingerprint}:${a.state}`).join(',');
  const alertHistory = useAlertHistory(hub.apiBase ?? '', alertHistoryOpen, alertsKey);
  const unsilenceNow = async (name) => {
    const r = await unsilence(name);
    setSilenceError(r.error ? `Could not unsilence ${name}: ${r.error}` : null);
    return r;
  };

  // Each view the user picks is an entry of the browser's history, so Back undoes a
  // zoom, a range or a VM; the address the page was opened with is only tidied.
  const opened = useRef(true);
  useEffect(() => {
    const search = writeView(window.location.search, view);
    const first = opened.current;
    opened.current = false;
    if (search === window.location.search) return;
    const url = `${window.location.pathname}${search}`;
    if (first) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
  }, [view]);
  useEffect(() => {
    const back = () => setView(readView(window.location.search));
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);

  const points = state.series.points;
  const live = useMemo(() => {
    const data = chartData(points);
    const broken = breakGaps(
      SERIES_KEYS.map((k) => data[k]),
      liveGapMs(points),
    );
    return Object.fromEntries(SERIES_KEYS.map((k, i) => [k, broken[i]]));
  }, [points]);
  const { spanMs, xMin, xMax } = timeWindow(points, range.minutes, now, zoom);
  // A dragged interval on a history chart becomes the window; the range stays chosen.
  const zoomTo = (aMs, bMs) => {
    const z = clampZoom(aMs, bMs, Date.now());
    if (z) setView((v) => ({ ...v, zoom: z }));
  };

  const firstPainted = useFirstDataPaint(points.length > 0);

  const record = vm ? state.latest[vm] : null;
  // A time picked on a chart: the process table shows the list stored then, for that VM only.
  const [picked, setPicked] = useState(null);
  const pickedAt = picked && picked.vm === vm ? picked.atMs : null;
  const past = useProcesses(hub.apiBase ?? '', vm, pickedAt);
  const pick = (atMs) => vm && setPicked({ vm, atMs });

  const firing = state.alerts.active.filter((a) => a.state === 'firing').length;
  const title = formatTabTitle(vm, record, firing);
  useEffect(() => {
    document.title = title;
  }, [title]);
  const selectVm = (name) => setView((v) => ({ ...v, vm: name || null }));
  const showHistory = range.minutes > 0;
  const cpuHistory = showHistory ? history.data?.cpu : null;
  const ramHistory = showHistory ? history.data?.ram : null;
  const newest = recordValues(record);
  // A series is drawn when the VM sends it: the newest record has it, or the data shown does.
  const sends = (key) =>
    newest[key] !== null || (showHistory ? hasValues(history.data?.[key]?.avg) : hasValues(live[key]));
  // An extra line is drawn where it has data: load 5/15 have no history series.
  const drawn = (e) => (showHistory ? hasValues(history.data?.[e.key]?.avg) : sends(e.key));
  const line = (e) => ({ ...e, live: live[e.key], history: showHistory ? history.data?.[e.key] : null });
  const extras = (list) => list.filter(drawn).map(line);
  // The v2 charts are drawn after the first paint of the cards and the CPU/memory charts.
  const panels = firstPainted ? PANELS.filter((p) => [p.main, ...p.extra].some((e) => sends(e.key))) : [];

  // What both charts share: the time window and the state of its history request.
  const chartFrame = {
    spanMs,
    xMin,
    xMax,
    loading: showHistory && history.loading,
    error: showHistory ? history.error : null,
    onZoom: showHistory ? zoomTo : undefined,
  };

  return (
    <div className="app">
      <Header
        vms={state.vms}
        vm={view.vm ?? vm}
        onVm={selectVm}
        range={range.id}
        onRange={(id) => setView((v) => ({ ...v, range: id, zoom: null }))}
        conn={conn}
        now={now}
        stale={state.stale}
        hubLabel={hub.label ?? ''}
      />
      <main className="content">
        <Banners hub={hub} conn={conn} now={now} state={state} />
        {silenceError && (
          <div className="banner banner-bad" role="alert" data-testid="silence-banner">
            {silenceError}
          </div>
        )}
        <AlertBar
          alerts={state.alerts}
          known={state.alertsKnown}
          now={now}
          onSelectVm={selectVm}
          historyOpen={alertHistoryOpen}
          onToggleHistory={() => setAlertHistoryOpen((o) => !o)}
        />
        {state.alertsKnown && alertHistoryOpen && (
          <AlertHistory rows={alertHistory.rows} error={alertHistory.error} onSelectVm={selectVm} />
        )}
        {silencing && (
          <SilenceDialog
            vm={silencing}
            mark={vmMark(silencing, state.alerts, now)}
            onSilence={silence}
            onUnsilence={unsilence}
            onClose={() => setSilencing(null)}
          />
        )}
        {!state.received && !hub.error && (
          <section className="card empty" data-testid="connecting">
            <h2>Connecting to the hub…</h2>
            <p className="muted">{hub.wsUrl}</p>
          </section>
        )}
        {state.received && state.vms.length === 0 && !vm && <EmptyState />}
        {(vm || state.vms.length > 0) && (
          <>
            <StatCards record={record} now={now} />
            {zoom && (
              <div className="zoom-bar" data-testid="zoom-bar" data-from={zoom.fromMs} data-to={zoom.toMs}>
                <span>
                  Zoomed to {formatDateTime(zoom.fromMs)} – {formatDateTime(zoom.toMs)}
                </span>
                <button
                  type="button"
                  className="link-button"
                  data-testid="zoom-reset"
                  onClick={() => setView((v) => ({ ...v, zoom: null }))}
                >
                  Reset zoom ({range.label})
                </button>
              </div>
            )}
            <div className="grid-charts">
              <MetricChart
                id="cpu"
                title="CPU usage"
                color="#38bdf8"
                label="usage"
                live={showHistory ? null : live.cpu}
                history={cpuHistory}
                extra={extras(CPU_EXTRA)}
                onPick={pick}
                {...chartFrame}
                headline={<span className="headline">{formatPercent(record?.porcentaje_cpu_uso)}%</span>}
              />
              <MetricChart
                id="ram"
                title="Memory usage"
                color="#c084fc"
                live={showHistory ? null : live.ram}
                label="used"
                history={ramHistory}
                extra={extras(MEM_EXTRA)}
                onPick={pick}
                {...chartFrame}
                headline={<span className="headline">{formatPercent(record?.porcentaje_ram)}%</span>}
              />
              {panels.map((p) => (
                <MetricChart
                  key={p.id}
                  id={p.id}
                  title={p.title}
                  label={p.main.label}
                  color={p.main.color}
                  live={showHistory ? null : live[p.main.key]}
                  history={showHistory ? history.data?.[p.main.key] : null}
                  extra={extras(p.extra)}
                  bandLabel={PEAK_BAND}
                  yMax={p.yMax}
                  format={p.format}
                  tick={p.tick}
                  onPick={pick}
                  {...chartFrame}
                  headline={<span className="headline">{p.format(newest[p.main.key])}</span>}
                />
              ))}
            </div>
            <ProcessTable
              key={vm ?? ''}
              record={record}
              atMs={pickedAt}
              past={past}
              onBackToLive={() => setPicked(null)}
            />
            {/* With the alerts column the machines table takes a row of its own, under two cards. */}
            <div className={`grid-bottom${state.alertsKnown ? ' grid-bottom-two' : ''}`}>
              <SplitCard split={state.split} />
              <FleetTable
                vms={state.vms}
                latest={state.latest}
                selected={vm}
                onSelect={selectVm}
                now={now}
                alerts={state.alerts}
                alertsKnown={state.alertsKnown}
                onSilence={setSilencing}
                onUnsilence={unsilenceNow}
              />
            </div>
          </>
        )}
      </main>
      <footer className="footer muted">
        <span data-testid="series-info" data-vm={vm ?? ''} data-last-id={state.series.lastId}>
          {vm ? `${vm} · ${points.length.toLocaleString('en-US')} live points` : 'no VM selected'}
        </span>
        <span>vmpulse · times in your local zone</span>
      </footer>
    </div>
  );
}

function Banners({ hub, conn, now, state }) {
  if (hub.error) {
    return (
      <div className="banner banner-bad" role="alert" data-testid="banner">
        Configuration error: {hub.error}. Fix <code>config.js</code> (hubUrl) or the <code>?hub=</code> parameter.
      </div>
    );
  }
  const out = [];
  const shown = state.received ? ' Showing the last data received.' : '';
  if (conn.status === 'offline') {
    out.push(
      <div key="conn" className="banner banner-warn" role="alert" data-testid="banner">
        This browser is offline; the page reconnects as soon as the network is back.{shown}
      </div>,
    );
  } else if (conn.status === 'reconnecting') {
    out.push(
      <div key="conn" className="banner banner-warn" role="alert" data-testid="banner">
        Lost the hub at <code>{hub.wsUrl.split('?')[0]}</code> ({conn.lastError}). Retrying in{' '}
        {formatCountdown(conn.retryAt - now)}.{shown}
      </div>,
    );
  }
  if (hub.note) {
    out.push(
      <div key="hub-note" className="banner banner-warn" role="status" data-testid="hub-note">
        {hub.note}.
      </div>,
    );
  }
  if (state.badMessages > 0) {
    out.push(
      <div key="bad" className="banner banner-warn" role="status">
        Ignored {state.badMessages} malformed message{state.badMessages === 1 ? '' : 's'} from the hub (last:{' '}
        {state.lastMessageError}).
      </div>,
    );
  }
  return out;
}
