// The process list stored at a past time: GET /api/processes once per (VM, time)
// picked on a chart. 404 is an answer ("none stored then"), not an error.
import { useEffect, useState } from 'react';
import { processesUrl, shapeProcessesAnswer } from '../lib/processes.js';
import { historyError } from '../lib/history.js';

const IDLE = { status: 'idle' };
const LOADING = { status: 'loading' };

/** atMs null = live (nothing to fetch). → {status: idle|loading|ok|missing|error, hora?, procesos?, error?} */
export function useProcesses(apiBase, vm, atMs) {
  const key = vm && Number.isFinite(atMs) ? `${apiBase} ${vm} ${atMs}` : null;
  const [result, setResult] = useState({ key: null });

  useEffect(() => {
    if (!key) return undefined;
    const controller = new AbortController();
    (async () => {
      try {
        const res = await fetch(processesUrl(apiBase, vm, atMs), {
          signal: controller.signal,
          credentials: 'include',
        });
        if (res.status === 404) return setResult({ key, status: 'missing' });
        if (!res.ok) throw new Error(await historyError(res));
        setResult({ key, status: 'ok', ...shapeProcessesAnswer(await res.json()) });
      } catch (err) {
        if (err.name === 'AbortError') return;
        const why = err instanceof TypeError ? `cannot reach ${apiBase || 'this origin'}/api/processes` : err.message;
        setResult({ key, status: 'error', error: `Process list unavailable: ${why}` });
      }
    })();
    return () => controller.abort();
  }, [key, apiBase, vm, atMs]);

  if (!key) return IDLE;
  return result.key === key ? result : LOADING;
}
