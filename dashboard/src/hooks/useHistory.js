// The 15 min / 1 h / 24 h views: fetch /api/history for the VM and range, refresh it
// on an interval that suits the range, and keep the last good answer on screen while
// a refresh is in flight or failed.
import { useEffect, useState } from 'react';
import { historyUrl, shapeHistory, historyError } from '../lib/history.js';

const REFRESH_MS = { 15: 10_000, 60: 30_000, 1440: 120_000 };
const MAX_BUCKETS = 480; // about one bucket per 2 px on a wide chart

export function useHistory(apiBase, vm, minutes) {
  const [result, setResult] = useState({ data: null, error: null, loading: false });

  useEffect(() => {
    if (!vm || !minutes) {
      setResult({ data: null, error: null, loading: false });
      return undefined;
    }
    let cancelled = false;
    let controller = null;
    setResult({ data: null, error: null, loading: true });
    const load = async () => {
      controller?.abort();
      controller = new AbortController();
      try {
        const res = await fetch(historyUrl(apiBase, vm, minutes, Date.now()), {
          signal: controller.signal,
          // The session cookie goes to a hub on another origin too (CORS with credentials).
          credentials: 'include',
        });
        if (!res.ok) throw new Error(await historyError(res));
        const data = shapeHistory(await res.json(), MAX_BUCKETS);
        if (!cancelled) setResult({ data, error: null, loading: false });
      } catch (err) {
        if (cancelled || err.name === 'AbortError') return;
        // fetch() says only "Failed to fetch" for an unreachable hub and for a hub on
        // another origin that sends no CORS headers; name both.
        const why = err instanceof TypeError ? `cannot reach ${apiBase || 'this origin'}/api/history (hub down, or no CORS for this page's origin)` : err.message;
        setResult((prev) => ({ data: prev.data, error: `History unavailable: ${why}`, loading: false }));
      }
    };
    load();
    const id = setInterval(load, REFRESH_MS[minutes] ?? 30_000);
    return () => {
      cancelled = true;
      clearInterval(id);
      controller?.abort();
    };
  }, [apiBase, vm, minutes]);

  return result;
}
