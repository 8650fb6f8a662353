// The console's behaviour, in a file (the CSP allows no inline script).
(function () {
  "use strict";
  var tokenMeta = document.querySelector('meta[name="request-verification-token"]');

  // Every htmx request carries the antiforgery token in a header (ConsoleSetup.AntiforgeryHeader).
  document.addEventListener("htmx:configRequest", function (e) {
    if (tokenMeta) e.detail.headers["RequestVerificationToken"] = tokenMeta.content;
  });

  // A failed htmx request shows the server's friendly fragment (ConsoleErrorPages) in the flash region.
  document.addEventListener("htmx:responseError", function (e) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    var xhr = e.detail.xhr;
    if (xhr.status === 401) { window.location.href = "/login?returnUrl=" + encodeURIComponent(location.pathname + location.search); return; }
    flash.innerHTML = xhr.responseText && xhr.responseText.indexOf('class="flash') >= 0 ? xhr.responseText
      : '<p class="flash error" role="alert">The request failed (' + xhr.status + '). Reload and try again.</p>';
  });

  // Buttons that copy text: <button data-copy="#id">.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-copy]");
    if (!b) return;
    var src = document.querySelector(b.getAttribute("data-copy"));
    if (!src || !navigator.clipboard) return;
    navigator.clipboard.writeText(src.value || src.textContent).then(function () { b.textContent = "Copied"; });
  });

  // Forms that ask first: <form data-confirm="Revoke this key?">.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  }, true);
  // A form posted by htmx with data-reset-after is cleared once its answer arrived (the copilot question box).
  document.addEventListener("htmx:afterRequest", function (e) {
    var f = e.detail.elt;
    if (f && f.hasAttribute && f.hasAttribute("data-reset-after") && e.detail.successful) {
      var keep = f.querySelector("#copilot-session");
      var session = keep ? keep.value : null;
      f.reset();
      if (keep) keep.value = session;
    }
  });

  // The header search: Escape closes the results; results keep the keyboard (Tab moves through the links).
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var box = document.getElementById("search-results");
    if (box && box.innerHTML) { box.innerHTML = ""; }
  });
})();
