// The 15 min / 1 h / 24 h views: fetch /api/history for the VM and range, refresh it
// on an interval that suits the range, and keep the last good answer on screen while
// a refresh is in flight or failed.
import { useEffect, useState } from 'react';
import { historyUrl, shapeHistory, historyError } from '../lib/history.js';

const REFRESH_MS = { 15: 10_000, 60: 30_000, 1440: 120_000 };
const MAX_BUCKETS = 480; // about one bucket per 2 px on a wide chart

const IDLE = { data: null, error: null, loading: false };
const LOADING = { data: null, error: null, loading: true };

export function useHistory(apiBase, vm, minutes) {
  // Answers are kept with the request they answer: a new VM or range shows LOADING
  // until its first answer, without a render that clears the old one first.
  const key = vm && minutes ? `${apiBase} ${vm} ${minutes}` : null;
  const [result, setResult] = useState({ key: null, data: null, error: null });

  useEffect(() => {
    if (!vm || !minutes) return undefined;
    const key = `${apiBase} ${vm} ${minutes}`;
    let cancelled = false;
    let controller = null;
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
    const id = setInterval(load, REFRESH_MS[minutes] ?? 30_000);
    return () => {
      cancelled = true;
      clearInterval(id);
      controller?.abort();
    };
  }, [apiBase, vm, minutes]);

  if (!key) return IDLE;
  if (result.key !== key) return LOADING;
  return { data: result.data, error: result.error, loading: false };
}
