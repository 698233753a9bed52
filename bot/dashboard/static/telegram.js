// The Mini App's sign-in, without Telegram's telegram-web-app.js: Telegram puts the signed init data in
// the URL fragment (#tgWebAppData=...); it is sent once, in a header of a same-origin GET, to the server,
// which verifies it and sets the session cookie. No inline script: the CSP is default-src 'self'.
(function () {
  "use strict";
  var box = document.getElementById("signin");
  var refused = document.getElementById("refused");
  var hash = new URLSearchParams(window.location.hash.slice(1));
  var data = hash.get("tgWebAppData") || "";
  function fail() { refused.hidden = false; }
  if (!data) { fail(); return; }
  history.replaceState(null, "", window.location.pathname);  // the data leaves the address bar
  fetch(box.dataset.signin, { headers: { "X-Telegram-Init-Data": data }, credentials: "same-origin" })
    .then(function (answer) {
      if (answer.ok) { window.location.replace(box.dataset.home); } else { fail(); }
    }, fail);
})();
