// Charts drawn from JSON the page carries (json_script): the trend with its interval band, the
// sections radar, and bars. The same figures are always in a table beside or under the chart.
(function () {
  "use strict";
  var INK = "#1f5fbf", BAND = "rgba(31, 95, 191, 0.15)", TARGET = "#8a5a00";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function nTooltip(source) {
    return { callbacks: { afterLabel: function (item) { return source.n ? "n = " + source.n[item.dataIndex] : ""; } } };
  }

  function trend(canvas, d) {
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.names.band, data: d.low, borderWidth: 0, pointRadius: 0, fill: false, spanGaps: false },
          { label: d.names.band + " ", data: d.high, borderWidth: 0, pointRadius: 0, backgroundColor: BAND, fill: "-1", spanGaps: false },
          { label: d.names.mean, data: d.mean, borderColor: INK, backgroundColor: INK, pointRadius: 3, spanGaps: false },
          { label: d.names.target, data: d.target, borderColor: TARGET, borderDash: [6, 4], pointRadius: 0, spanGaps: true }
        ]
      },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { y: { suggestedMin: 50, max: 100 } },
        plugins: {
          legend: { labels: { filter: function (item) { return item.text.slice(-1) !== " "; } } },
          tooltip: nTooltip(d)
        }
      }
    });
  }

  function radar(canvas, d) {
    return new Chart(canvas, {
      type: "radar",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.names.mean, data: d.mean, borderColor: INK, backgroundColor: BAND, pointRadius: 3 },
          { label: d.names.target, data: d.target, borderColor: TARGET, borderDash: [6, 4], backgroundColor: "transparent", pointRadius: 0 }
        ]
      },
      options: { animation: false, maintainAspectRatio: false, scales: { r: { suggestedMin: 0, max: 100 } } }
    });
  }

  function bars(canvas, d) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.names.mean, data: d.mean, backgroundColor: INK },
          { label: d.names.target, data: d.target, type: "line", borderColor: TARGET, borderDash: [6, 4], pointRadius: 4, showLine: false }
        ]
      },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { suggestedMin: 50, max: 100 } }, plugins: { tooltip: nTooltip(d) } }
    });
  }

  // Several series over the same labels (reviewers' deviation, agreement per rubric), with an
  // optional shaded band (the ±limit, or the "reliable" zone) and fixed y bounds.
  var PALETTE = ["#1f5fbf", "#b23c17", "#2e7d32", "#6a3d9a", "#8a5a00", "#00838f", "#ad1457", "#455a64"];
  function lines(canvas, d) {
    var sets = d.series.map(function (s, i) {
      var c = PALETTE[i % PALETTE.length];
      return { label: s.label, data: s.data, borderColor: c, backgroundColor: c, pointRadius: 3, spanGaps: true };
    });
    if (d.band) {
      var n = d.labels.length;
      sets.push({ label: d.band.label + " ", data: Array(n).fill(d.band.low), borderWidth: 0, pointRadius: 0, fill: false });
      sets.push({ label: d.band.label, data: Array(n).fill(d.band.high), borderWidth: 0, pointRadius: 0, backgroundColor: BAND, fill: "-1" });
    }
    return new Chart(canvas, {
      type: "line",
      data: { labels: d.labels, datasets: sets },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { y: { suggestedMin: d.min, suggestedMax: d.max } },
        plugins: { legend: { labels: { filter: function (item) { return item.text.slice(-1) !== " "; } } } }
      }
    });
  }

  var KINDS = { trend: trend, radar: radar, bars: bars, lines: lines };

  function draw() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var d = data(canvas.dataset.source), kind = KINDS[canvas.dataset.chart];
      if (d && kind && !canvas.dataset.drawn) {
        canvas.dataset.drawn = "1";
        kind(canvas, d);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
