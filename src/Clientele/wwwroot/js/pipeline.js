// /app/pipeline: drag a deal card to another column to move it (the page's "move" handler, the
// same rules as POST /api/v1/deals/{id}/stage). A lost deal asks for its reason. Without
// JavaScript, each card's "Move" form does the same.
(function () {
  "use strict";
  var board = document.querySelector(".board");
  if (!board || board.getAttribute("data-can-write") !== "true") return;
  var token = document.querySelector('meta[name="request-verification-token"]');
  var status = document.getElementById("board-status");
  var dragged = null;

  function say(text, ok) {
    if (!status) return;
    var p = document.createElement("p");
    p.className = "flash " + (ok ? "ok" : "error");
    p.textContent = text;
    status.replaceChildren(p);
  }

  function move(id, stage, reason) {
    var body = new URLSearchParams({ DealId: id, Stage: stage, LostReason: reason || "" });
    return fetch("/app/pipeline?handler=move", {
      method: "POST",
      headers: { "X-Board-Move": "1", "RequestVerificationToken": token ? token.content : "", "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin"
    }).then(function (res) { return res.json().then(function (j) { return { status: res.status, json: j }; }); });
  }

  board.addEventListener("dragstart", function (e) {
    var card = e.target.closest(".deal-card");
    if (!card) return;
    dragged = card;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.getAttribute("data-deal-id"));
  });
  board.addEventListener("dragover", function (e) {
    if (dragged && e.target.closest(".board-col")) { e.preventDefault(); e.dataTransfer.dropEffect = "move"; }
  });
  board.addEventListener("drop", function (e) {
    var col = e.target.closest(".board-col");
    if (!col || !dragged) return;
    e.preventDefault();
    var card = dragged;
    dragged = null;
    var stage = col.getAttribute("data-stage");
    if (card.closest(".board-col") === col) return;
    var reason = null;
    if (stage === "closed_lost") {
      reason = window.prompt("Why was this deal lost?");
      if (!reason) { say("Not moved: a lost deal needs its reason.", false); return; }
    }
    move(card.getAttribute("data-deal-id"), stage, reason).then(function (r) {
      if (r.json.ok) { window.location.reload(); return; }
      say(r.json.message, false);
    }, function () { say("The move failed. Reload and try again.", false); });
  });
})();
