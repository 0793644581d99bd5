// The live connection as React state: one HubConnection for the page's life, the
// protocol reducer, and the "select" conversation (which VM, how far back).
import { useEffect, useReducer, useRef, useState, useCallback } from 'react';
import { HubConnection } from '../lib/connection.js';
import { reducer, initialState, parseMessage } from '../lib/reducer.js';
import { wsUrlFor } from '../lib/hubConfig.js';

/** The live view keeps an hour: the most the hub serves in a snapshot (1..60). */
export const LIVE_MINUTES = 60;

// Timeline marks the end-to-end test reads (load → socket open → snapshot → painted).
function markOnce(name) {
  if (typeof performance !== 'undefined' && performance.getEntriesByName(name).length === 0) performance.mark(name);
}

export function useHub(hub, wantedVm) {
  const [state, dispatch] = useReducer(reducer, initialState);
  const [conn, setConn] = useState({
    status: hub.error ? 'offline' : 'connecting',
    attempt: 0,
    retryAt: null,
    lastError: hub.error ?? null,
  });
  const connRef = useRef(null);
  const wantedRef = useRef(wantedVm);
  const lastSelect = useRef(null); // the select we sent and whose snapshot we await

  // Ask for the wanted VM (or the hub's choice) over the live window, once per
  // distinct request: a hub that answers with fewer minutes is not asked again.
  const reconcile = useCallback((snapshot) => {
    const c = connRef.current;
    const vm = wantedRef.current ?? snapshot?.vm;
    if (!c || !vm) return;
    if (snapshot && snapshot.vm === vm && snapshot.minutes === LIVE_MINUTES) return;
    const key = `${vm}/${LIVE_MINUTES}`;
    if (lastSelect.current === key) return;
    if (c.send({ type: 'select', vm, minutes: LIVE_MINUTES })) lastSelect.current = key;
  }, []);

  useEffect(() => {
    if (hub.error) return undefined;
    const c = new HubConnection(() => wsUrlFor(hub.wsUrl, wantedRef.current, LIVE_MINUTES), {
      onState: (s) => setConn(s),
      onOpen: () => {
        markOnce('vmpulse:ws-open');
        // The URL carried the choice; the first snapshot says whether the hub took it
        // (reconcile sends a select if not).
        lastSelect.current = null;
      },
      onMessage: (text) => {
        const action = parseMessage(text);
        if (action.type === 'snapshot') markOnce('vmpulse:first-snapshot');
        dispatch(action);
        if (action.type === 'snapshot') reconcile(action);
        if (action.type === 'resync') lastSelect.current = null;
      },
    });
    connRef.current = c;
    const online = () => c.handleOnline();
    const offline = () => c.handleOffline();
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    c.start();
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      c.stop();
      connRef.current = null;
    };
  }, [hub.wsUrl, hub.error, reconcile]);

  useEffect(() => {
    wantedRef.current = wantedVm;
    if (wantedVm) {
      lastSelect.current = null;
      reconcile(null);
    }
  }, [wantedVm, reconcile]);

  return { state, conn };
}
