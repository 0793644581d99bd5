// The sign-in page: https://HOST/signin#<viewer token>. The token is in the fragment, so
// it never reaches a server log; this page takes it out of the address bar at once,
// trades it for a session cookie (POST /api/session, proxied to the hub on this
// origin, which answers with an HttpOnly cookie) and goes to the dashboard. A plain
// script, not part of the bundle: this page is also the 401 page, served before any
// session exists, under a Content-Security-Policy of script-src 'self'.
(function () {
  const status = document.getElementById('status');
  const say = (text, bad) => {
    status.textContent = text;
    status.className = bad ? 'bad' : '';
  };

  function tokenFromFragment() {
    const raw = window.location.hash.slice(1);
    try {
      return decodeURIComponent(raw).trim();
    } catch {
      return raw.trim();
    }
  }

  function signIn() {
    const token = tokenFromFragment();
    if (!token) {
      if (window.location.pathname !== '/signin' && window.location.pathname !== '/signin.html') {
        say('You are not signed in.', true);
      }
      return;
    }
    // Out of the address bar and the history before anything else happens.
    window.history.replaceState(null, '', window.location.pathname);
    say('Signing in…');
    fetch('/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'same-origin',
    }).then(
      (response) => {
        if (response.ok) {
          say('Signed in; opening the dashboard…');
          window.location.replace('/');
        } else if (response.status === 429) {
          say('Too many sign-in attempts; wait a few seconds and open the link again.', true);
        } else {
          say('This sign-in link is not valid (the viewer token may have been replaced). Ask for a new one.', true);
        }
      },
      () => say('The hub cannot be reached; try again in a moment.', true),
    );
  }

  // A link opened in a tab that already shows this page changes only the fragment: no
  // reload, so the fragment is watched too.
  window.addEventListener('hashchange', signIn);
  signIn();
})();
