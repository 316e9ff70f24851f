/* The dashboard's two on-time-rate charts, drawn from the figures the page embeds with
 * json_script (a data block, which the Content-Security-Policy allows; inline script it does
 * not). The data set's label comes from the canvas's data-label, already translated. */
(function () {
  "use strict";

  function draw(canvas, series, type) {
    new Chart(canvas, {
      type: type,
      data: {
        labels: series.labels,
        datasets: [{
          label: canvas.dataset.label,
          data: series.rates,
          spanGaps: true,
          borderColor: "#0d6efd",
          backgroundColor: "rgba(13,110,253,.35)",
        }],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: {y: {min: 0, max: 100}},
        plugins: {legend: {display: false}},
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const data = JSON.parse(document.getElementById("chart-data").textContent);
    draw(document.getElementById("chart-weekly"), data.weekly, "bar");
    draw(document.getElementById("chart-monthly"), data.monthly, "line");
  });
})();
