// The sign-in page: if the browser still holds a session (a refresh cookie), renew its access
// token and go straight back to the page that sent it here; otherwise the form stays.
(function () {
  'use strict';
  var form = document.getElementById('login-form');
  var back = form && form.getAttribute('data-return');
  if (!back || document.getElementById('login-error') || document.getElementById('login-notice')) return;
  var match = document.cookie.match(/(?:^|;\s*)edoc_csrf=([^;]+)/);
  if (!match) return;
  fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': decodeURIComponent(match[1]) } })
    .then(function (response) {
      if (response.ok) window.location.replace(back);
    })
    .catch(function () {
      // The form is there: the user signs in.
    });
})();
