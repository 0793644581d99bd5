// The alert history view: GET /api/alerts?since=<24 h ago> while the view is open,
// again whenever the active alerts change (refreshKey) and every minute, keeping the
// last good answer on screen when a refresh fails.
import { useEffect, useState } from 'react';
import { alertHistoryUrl, shapeAlertHistory } from '../lib/alerts.js';
import { historyError } from '../lib/history.js';

const REFRESH_MS = 60_000;

export function useAlertHistory(apiBase, open, refreshKey) {
  const [result, setResult] = useState({ rows: null, error: null });

  useEffect(() => {
    if (!open) return undefined;
    let cancelled = false;
    let controller = null;
    const load = async () => {
      controller?.abort();
      controller = new AbortController();
      try {
        const res = await fetch(alertHistoryUrl(apiBase, Date.now()), {
          signal: controller.signal,
          credentials: 'include',
        });
        if (!res.ok) throw new Error(await historyError(res));
        const rows = shapeAlertHistory(await res.json());
        if (!cancelled) setResult({ rows, error: null });
      } catch (err) {
        if (cancelled || err.name === 'AbortError') return;
        const why = err instanceof TypeError ? `cannot reach ${apiBase || 'this origin'}/api/alerts` : err.message;
        setResult((prev) => ({ rows: prev.rows, error: `Alert history unavailable: ${why}` }));
      }
    };
    load();
    const id = setInterval(load, REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(id);
      controller?.abort();
    };
  }, [apiBase, open, refreshKey]);

  return result;
}
