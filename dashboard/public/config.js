// Run-time settings of the vmpulse dashboard. This file is not bundled: the server
// that hosts the dashboard may replace it (the container's entrypoint writes it from
// VMPULSE_HUB_URL). hubUrl "" means the hub is behind this page's own origin
// (ws(s)://<host>/ws and /api/...), as with ./vmpulse up's nginx. allowedHubs: the
// origins a ?hub= override may point at (anything else is ignored, with a note); the
// page's Content-Security-Policy must allow the same origins in connect-src.
window.VMPULSE_CONFIG = { hubUrl: '', allowedHubs: [] };
