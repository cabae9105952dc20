/* Draws a report's chart with Chart.js (vendored in static/vendor/chartjs) from the JSON block the
   page carries; the table below the chart holds the same figures for screen readers and without
   JavaScript. No inline script: the page gives data, this file draws. */
(function () {
  "use strict";
  var PALETTE = ["#1f3a5f", "#c0392b", "#2e7d32", "#b8860b", "#6a1b9a", "#00838f", "#5d4037", "#455a64"];

  function config(data) {
    var datasets = data.datasets.map(function (set, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: set.label, data: set.data, borderColor: colour, backgroundColor: colour,
        fill: false, tension: 0, spanGaps: true, pointRadius: 2, maxBarThickness: 64
      };
    });
    var valueAxis = { beginAtZero: true, stacked: data.stacked, ticks: { precision: 0 } };
    if (data.percent) { valueAxis.max = 100; }
    return {
      type: data.type,
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: { stacked: data.stacked }, y: valueAxis },
        plugins: { legend: { position: "bottom" } }
      }
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source || !window.Chart) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) { canvas.parentNode.hidden = true; return; }
    new window.Chart(canvas, config(data));
    canvas.setAttribute("data-drawn", "true");
  }

  var canvases = document.querySelectorAll("canvas[data-chart-source]");
  for (var i = 0; i < canvases.length; i++) { draw(canvases[i]); }
})();
