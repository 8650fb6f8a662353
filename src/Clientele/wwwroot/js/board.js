// Kanban boards (data-board): drag a card (draggable .board-card with data-id) onto another column
// (.board-col with data-stage); the drop sets the card's own "Move to" select and submits its form,
// so a drag and the keyboard path (the select and its button) post the same thing to the server.
(function () {
  "use strict";
  var dragged = null;
  document.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".board-card[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.getAttribute("data-id"));
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".board-col.drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  });
  document.addEventListener("dragover", function (e) {
    var col = e.target.closest && e.target.closest("[data-board] .board-col");
    if (!col || !dragged) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".board-col.drop-target").forEach(function (c) { if (c !== col) c.classList.remove("drop-target"); });
    col.classList.add("drop-target");
  });
  document.addEventListener("drop", function (e) {
    var col = e.target.closest && e.target.closest("[data-board] .board-col");
    if (!col || !dragged) return;
    e.preventDefault();
    var select = dragged.querySelector("form select[name=stage]");
    var stage = col.getAttribute("data-stage");
    if (!select || select.value === stage) return;
    select.value = stage;
    col.querySelector(".board-cards").appendChild(dragged);
    dragged.classList.add("moving");
    select.form.requestSubmit();
  });
})();
