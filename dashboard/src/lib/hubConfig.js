// Where the hub is. The same build serves every deployment: public/config.js sets
// window.VMPULSE_CONFIG.hubUrl at run time ("" = this page's own origin, behind
// nginx or an ingress), and ?hub=URL overrides it for testing, but only towards an
// origin on config.js's allowedHubs: a link must not send a signed-in viewer's
// dashboard (and its credentials) to a hub of someone else's choosing.

// The http(s) origin of a hub URL (ws: and wss: count as http: and https:), or null.
export function hubOrigin(text) {
  try {
    const url = new URL(String(text).trim());
    const proto = { 'http:': 'http:', 'ws:': 'http:', 'https:': 'https:', 'wss:': 'https:' }[url.protocol];
    return proto ? `${proto}//${url.host}` : null;
  } catch {
    return null;
  }
}

/**
 * @param {string|undefined} configured  window.VMPULSE_CONFIG?.hubUrl
 * @param {{protocol:string, host:string, search:string}} location  the page's location
 * @param {string[]|undefined} allowed  window.VMPULSE_CONFIG?.allowedHubs
 * @returns {{wsUrl:string, apiBase:string, label:string, note?:string} | {error:string}}
 */
export function resolveHub(configured, location, allowed = []) {
  const override = new URLSearchParams(location.search || '').get('hub');
  let note;
  let chosen = configured;
  if (override !== null) {
    const origin = hubOrigin(override);
    const own = `${location.protocol}//${location.host}`;
    const ok =
      origin &&
      (origin === own ||
        origin === hubOrigin(configured ?? '') ||
        (allowed ?? []).some((a) => hubOrigin(a) === origin));
    if (ok) chosen = override;
    else
      note = `?hub=${override} is ignored: that hub is not on this dashboard's allow-list (allowedHubs in config.js)`;
  }
  const resolved = resolveUrl(chosen, location);
  return note && !resolved.error ? { ...resolved, note } : resolved;
}

function resolveUrl(configured, location) {
  const raw = (configured ?? '').trim();
  if (raw === '') {
    const wsProto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return { wsUrl: `${wsProto}//${location.host}/ws`, apiBase: '', label: location.host };
  }
  let url;
  try {
    url = new URL(raw);
  } catch {
    return { error: `hub URL ${JSON.stringify(raw)} is not a URL` };
  }
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    return { error: `hub URL ${JSON.stringify(raw)} must start with http(s):// or ws(s)://` };
  }
  const path = url.pathname.replace(/\/+$/, '');
  return {
    wsUrl: `${secure ? 'wss:' : 'ws:'}//${url.host}${path}/ws`,
    apiBase: `${secure ? 'https:' : 'http:'}//${url.host}${path}`,
    label: url.host,
  };
}

/**
 * The /ws URL with the first choice in the query (vm, minutes), so the hub's first
 * snapshot is already the wanted one and no select round trip is needed. A hub that
 * ignores the query still works: the client then sends a select.
 */
export function wsUrlFor(wsUrl, vm, minutes) {
  const q = new URLSearchParams();
  if (vm) q.set('vm', vm);
  if (minutes) q.set('minutes', String(minutes));
  const s = q.toString();
  return s ? `${wsUrl}?${s}` : wsUrl;
}
