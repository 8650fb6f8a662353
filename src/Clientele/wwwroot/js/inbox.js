// The inbox: keyboard shortcuts, filter auto-submit, reply/note toggle, thread scrolling.
(function () {
  "use strict";
  var dialog = document.getElementById("shortcuts");

  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  function go(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll(".conv-item > a"));
    if (!links.length) return;
    var i = links.findIndex(function (a) { return a.closest(".conv-item").classList.contains("selected"); });
    var next = i < 0 ? (step > 0 ? 0 : links.length - 1) : i + step;
    if (next >= 0 && next < links.length) window.location.href = links[next].href;
  }
  function submit(id) {
    var f = document.getElementById(id);
    if (f) f.requestSubmit ? f.requestSubmit() : f.submit();
  }
  function toggleHelp(show) {
    if (!dialog) return;
    dialog.hidden = show === undefined ? !dialog.hidden : !show;
    if (!dialog.hidden) document.getElementById("shortcuts-close").focus();
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && dialog && !dialog.hidden) { toggleHelp(false); return; }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    switch (e.key) {
      case "j": go(1); break;
      case "k": go(-1); break;
      case "r": var r = document.getElementById("reply"); if (r) { e.preventDefault(); r.focus(); } break;
      case "e": submit("close-form"); break;
      case "a": submit("assign-me-form"); break;
      case "?": toggleHelp(); break;
      default: return;
    }
  });
  var close = document.getElementById("shortcuts-close");
  if (close) close.addEventListener("click", function () { toggleHelp(false); });

  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });

  // Reply or private note: the button and the box say which.
  var composer = document.getElementById("composer");
  if (composer) {
    composer.addEventListener("change", function (e) {
      if (e.target.name !== "mode") return;
      var note = e.target.value === "note";
      composer.classList.toggle("note-mode", note);
      document.getElementById("send-button").textContent = note ? "Add note" : "Send";
    });
  }

  // The live stream's state, for people (the badge) and for tests (body[data-live]).
  function live(state, text) {
    document.body.dataset.live = state;
    var badge = document.getElementById("live-state");
    if (badge) badge.textContent = text;
  }
  // On every (re)connection the list and thread refresh once: what changed while the page was
  // loading or the stream was down (e.g. a delivery status right after a reply) is not missed.
  document.addEventListener("htmx:sseOpen", function () {
    live("open", "● Live");
    document.body.dispatchEvent(new Event("live-open"));
  });
  document.addEventListener("htmx:sseError", function () { live("closed", "Reconnecting…"); });

  function toBottom() {
    var thread = document.getElementById("thread");
    if (thread) thread.scrollTop = thread.scrollHeight;
  }
  toBottom();
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "messages") toBottom();
  });
})();
