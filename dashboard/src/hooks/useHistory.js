// The history views: fetch /api/history for the VM and the range (its last N minutes,
// moving with the clock) or a zoomed window (fixed), refresh a moving range on an
// interval that suits its span, and keep the last good answer on screen while a
// refresh is in flight or failed.
import { useEffect, useState } from 'react';
import { historyUrl, shapeHistory, historyError, viewWindow } from '../lib/history.js';

const MAX_BUCKETS = 480; // about one bucket per 2 px on a wide chart

// By range (minutes). A bucket of a long range is minutes or hours wide: refreshing
// faster would show nothing new.
const REFRESH_MS = { 15: 10_000, 60: 30_000, 1440: 120_000, 10080: 300_000, 43200: 600_000, 525600: 600_000 };

const IDLE = { data: null, error: null, loading: false };
const LOADING = { data: null, error: null, loading: true };

/** zoom: {fromMs, toMs} or null. */
export function useHistory(apiBase, vm, minutes, zoom) {
  const fromMs = zoom?.fromMs ?? null;
  const toMs = zoom?.toMs ?? null;
  // Answers are kept with the request they answer: a new VM, range or zoom shows
  // LOADING until its first answer, without a render that clears the old one first.
  const key = vm && minutes ? `${apiBase} ${vm} ${minutes} ${fromMs} ${toMs}` : null;
  const [result, setResult] = useState({ key: null, data: null, error: null });

  useEffect(() => {
    if (!vm || !minutes) return undefined;
    const key = `${apiBase} ${vm} ${minutes} ${fromMs} ${toMs}`;
    const zoomed = fromMs !== null ? { fromMs, toMs } : null;
    let cancelled = false;
    let controller = null;
    const load = async () => {
      controller?.abort();
      controller = new AbortController();
      const w = viewWindow(minutes, zoomed, Date.now());
      try {
        const res = await fetch(historyUrl(apiBase, vm, w.fromMs, w.toMs), {
          signal: controller.signal,
          // The session cookie goes to a hub on another origin too (CORS with credentials).
          credentials: 'include',
        });
        if (!res.ok) throw new Error(await historyError(res));
        const data = shapeHistory(await res.json(), MAX_BUCKETS);
        if (!cancelled) setResult({ key, data, error: null });
      } catch (err) {
        if (cancelled || err.name === 'AbortError') return;
        // fetch() says only "Failed to fetch" for an unreachable hub and for a hub on
        // another origin that sends no CORS headers; name both.
        const why =
          err instanceof TypeError
            ? `cannot reach ${apiBase || 'this origin'}/api/history (hub down, or no CORS for this page's origin)`
            : err.message;
        setResult((prev) => ({ key, data: prev.key === key ? prev.data : null, error: `History unavailable: ${why}` }));
      }
    };
    load();
    // A zoomed window does not move: one request is enough.
    const id = zoomed ? null : setInterval(load, REFRESH_MS[minutes] ?? 30_000);
    return () => {
      cancelled = true;
      if (id !== null) clearInterval(id);
      controller?.abort();
    };
  }, [apiBase, vm, minutes, fromMs, toMs]);

  if (!key) return IDLE;
  if (result.key !== key) return LOADING;
  return { data: result.data, error: result.error, loading: false };
}
