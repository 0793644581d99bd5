// Silencing and unsilencing a VM: POST /api/silences and DELETE /api/silences?vm=.
// The page does not change its state from the answer: the hub sends every client an
// `alerts` message after either (within a second), and that is what the page shows.
import { useCallback } from 'react';
import { silencesUrl, unsilenceUrl } from '../lib/alerts.js';
import { historyError } from '../lib/history.js';

async function send(url, init) {
  try {
    const res = await fetch(url, { ...init, credentials: 'include' });
    if (!res.ok) return { error: await historyError(res) };
    return { ok: true };
  } catch (err) {
    return { error: err instanceof TypeError ? `cannot reach ${url.split('?')[0]}` : err.message };
  }
}

export function useSilences(apiBase) {
  const silence = useCallback(
    (body) =>
      send(silencesUrl(apiBase), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
    [apiBase],
  );
  const unsilence = useCallback((vm) => send(unsilenceUrl(apiBase, vm), { method: 'DELETE' }), [apiBase]);
  return { silence, unsilence };
}
