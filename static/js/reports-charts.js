/* The dashboard's charts, drawn with the vendored Chart.js from the JSON the page carries
   (json_script: the CSP allows no inline script). Every chart is also a table on the page. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent), L = data.labels;
  function channelName(kind) { return (data.channel_labels || {})[kind] || kind; }
  var palette = ["#2563eb", "#0f766e", "#c2410c", "#7c3aed", "#be123c", "#4d7c0f", "#0369a1", "#a16207"];
  window.Chart.defaults.animation = false;  /* steady screenshots, no motion for people who mind it */
  window.Chart.defaults.maintainAspectRatio = false;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new window.Chart(canvas, config);
  }
  function percent(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }

  draw("chart-volume", {
    type: "line",
    data: {labels: data.days, datasets: Object.keys(data.volume).map(function (channel, i) {
      return {label: channelName(channel), data: data.volume[channel], borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], tension: 0.2};
    })},
    options: {scales: {y: {beginAtZero: true, title: {display: true, text: L.messages}}}}
  });
  draw("chart-first-response", {
    type: "bar",
    data: {labels: data.first_response.map(function (b) { return b.label; }),
      datasets: [{label: L.first_responses, data: data.first_response.map(function (b) { return b.count; }), backgroundColor: palette[0]}]},
    options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
  });
  var channels = Object.keys(data.service_level);
  draw("chart-service-level", {
    type: "bar",
    data: {labels: channels.map(channelName), datasets: [{label: L.within_target + " (%)", data: channels.map(function (c) { return percent(data.service_level[c]); }), backgroundColor: palette[1]}]},
    options: {scales: {y: {beginAtZero: true, max: 100}}}
  });
  draw("chart-feedback", {
    type: "line",
    data: {labels: data.days, datasets: [
      {label: L.csat, data: data.feedback.csat, yAxisID: "csat", borderColor: palette[0], backgroundColor: palette[0], spanGaps: true},
      {label: L.nps, data: data.feedback.nps, yAxisID: "nps", borderColor: palette[2], backgroundColor: palette[2], spanGaps: true}
    ]},
    options: {scales: {csat: {position: "left", min: 1, max: 5}, nps: {position: "right", min: -100, max: 100, grid: {drawOnChartArea: false}}}}
  });
  var moods = ["positive", "neutral", "negative"];
  draw("chart-sentiment", {
    type: "doughnut",
    data: {labels: moods.map(function (m) { return L[m]; }),
      datasets: [{data: moods.map(function (m) { return percent(data.sentiment[m]) || 0; }), backgroundColor: ["#16a34a", "#94a3b8", "#dc2626"]}]}
  });
  var tags = Object.keys(data.tags);
  draw("chart-tags", {
    type: "bar",
    data: {labels: tags, datasets: [{label: L.conversations, data: tags.map(function (t) { return data.tags[t]; }), backgroundColor: palette[3]}]},
    options: {indexAxis: "y", scales: {x: {beginAtZero: true, ticks: {precision: 0}}}}
  });
})();
