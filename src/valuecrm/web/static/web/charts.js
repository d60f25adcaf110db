// Draws every <div data-chart="ID"> with the ECharts option in its data-option attribute or
// in <script type="application/json" id="ID"> (written by Django's json_script). Parts of a
// page swapped by HTMX use data-option: HTMX drops <script> elements from what it swaps.
// No code comes from the page itself.
(function () {
  "use strict";

  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.chart);
      var option = el.dataset.option || (source && source.textContent);
      if (!option || !window.echarts) return;
      var chart = echarts.init(el, null, {renderer: "canvas"});
      chart.setOption(JSON.parse(option));
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt); });
})();
