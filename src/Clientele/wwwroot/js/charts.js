// Draws every <canvas data-chart="{Chart.js config}"> (the page model builds the config from rows).
(function () {
  "use strict";
  var palette = ["#2563eb", "#0f766e", "#c2410c", "#7c3aed", "#be123c", "#4d7c0f", "#0369a1", "#a16207"];
  function draw() {
    document.querySelectorAll("canvas[data-chart]").forEach(function (c) {
      if (c.dataset.drawn) return;
      var cfg = JSON.parse(c.getAttribute("data-chart"));
      (cfg.data.datasets || []).forEach(function (d, i) {
        d.backgroundColor = d.backgroundColor || palette[i % palette.length];
        d.borderColor = d.borderColor || palette[i % palette.length];
      });
      cfg.options = cfg.options || {};
      cfg.options.animation = false;
      new Chart(c, cfg);
      c.dataset.drawn = "1";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
