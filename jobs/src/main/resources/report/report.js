// Draws the report's charts from DATA with Apache ECharts (SVG renderer). Written by segments report.
"use strict";
const charts = {};

function draw(id, title, option, empty) {
  const chart = echarts.init(document.getElementById(id), null, { renderer: "svg" });
  option.title = { text: title, left: "center", textStyle: { fontSize: 14 } };
  option.animation = false;
  if (empty) {
    option.graphic = [{ type: "text", left: "center", top: "middle",
      style: { text: empty, fontSize: 14, fill: "#888" } }];
  }
  chart.setOption(option);
  charts[id] = chart;
  return chart;
}

const dates = DATA.dates;
const segmentIds = Object.keys(DATA.sizes);

// Segment sizes over time: one line per segment.
draw("chart-sizes", "Segment sizes over time", {
  tooltip: { trigger: "axis" },
  legend: { type: "scroll", bottom: 0 },
  grid: { left: 60, right: 30, top: 40, bottom: 60 },
  xAxis: { type: "category", data: dates },
  yAxis: { type: "value", name: "members" },
  series: segmentIds.map(id => ({ name: id, type: "line", data: DATA.sizes[id].members, showSymbol: dates.length < 40 }))
});

// Entered and exited: for the chosen segment, or summed over all of them.
const select = document.getElementById("segment-select");
select.add(new Option("all segments", ""));
segmentIds.forEach(id => select.add(new Option(id, id)));
function moves(id) {
  const ids = id ? [id] : segmentIds;
  const sum = key => dates.map((_, i) => ids.reduce((t, s) => t + (DATA.sizes[s][key][i] || 0), 0));
  return {
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 60, right: 30, top: 40, bottom: 50 },
    xAxis: { type: "category", data: dates },
    yAxis: { type: "value", name: id || "all segments" },
    series: [
      { name: "entered", type: "bar", stack: "moves", data: sum("entered"), itemStyle: { color: "#3a9d5d" } },
      { name: "exited", type: "bar", stack: "moves", data: sum("exited").map(v => -v), itemStyle: { color: "#d9534f" } }
    ]
  };
}
const movesChart = draw("chart-moves", "Entered and exited per day", moves(""));
select.addEventListener("change", () => movesChart.setOption(moves(select.value), { replaceMerge: ["series"] }));

// Engagement score distribution, bins of 5 points, coloured by band.
const binLabels = DATA.scores.map((_, i) => i === 19 ? "95–100" : (5 * i) + "–" + (5 * i + 4));
const palette = ["#2b8cbe", "#7bccc4", "#fdae61", "#d7191c", "#984ea3", "#4daf4a"];
function bandOf(bin) {
  const low = 5 * bin, high = bin === 19 ? 100 : 5 * bin + 4;
  return DATA.bands.findIndex(b => (b.lower === null || low >= b.lower) && (b.upper === null || high <= b.upper));
}
const bandSeries = DATA.bands.map((b, k) => ({
  name: b.band + " (" + (b.lower === null ? "…" : b.lower) + "–" + (b.upper === null ? "…" : b.upper) + ")",
  type: "bar", stack: "users", itemStyle: { color: palette[k % palette.length] },
  data: DATA.scores.map((n, i) => bandOf(i) === k ? n : 0)
}));
const outside = { name: "in no band", type: "bar", stack: "users", itemStyle: { color: "#bbbbbb" },
  data: DATA.scores.map((n, i) => bandOf(i) < 0 ? n : 0) };
const thresholdLines = DATA.bands.filter(b => b.lower !== null).map(b => ({
  xAxis: binLabels[Math.min(19, Math.floor(b.lower / 5))], label: { formatter: b.band + " ≥ " + b.lower }
}));
const scoreSeries = bandSeries.concat([outside]);
scoreSeries[0].markLine = { symbol: "none", lineStyle: { type: "dashed", color: "#555" }, data: thresholdLines };
const users = DATA.scores.reduce((a, b) => a + b, 0);
draw("chart-scores", "Engagement score distribution", {
  tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
  legend: { bottom: 0 },
  grid: { left: 60, right: 30, top: 50, bottom: 60 },
  xAxis: { type: "category", data: binLabels, name: "score" },
  yAxis: { type: "value", name: "users" },
  series: scoreSeries
}, users === 0 ? "no user scores on " + DATA.date : null);

// Accounts by activation progress.
const activationBins = DATA.activation.map(bin => bin[0]);
draw("chart-activation", "Accounts by activation progress", {
  tooltip: { trigger: "axis" },
  grid: { left: 60, right: 30, top: 40, bottom: 40 },
  xAxis: { type: "category", data: activationBins, name: "% of steps" },
  yAxis: { type: "value", name: "accounts" },
  series: [{ name: "accounts", type: "bar", data: DATA.activation.map(bin => bin[1]), itemStyle: { color: "#5470c6" } }]
});

// Ingest accounting: accepted, duplicates and rejected by reason, stacked.
const ingestKeys = Object.keys(DATA.ingest);
draw("chart-ingest", "Ingest accounting", {
  tooltip: { trigger: "axis" },
  legend: { type: "scroll", bottom: 0 },
  grid: { left: 70, right: 30, top: 40, bottom: 60 },
  xAxis: { type: "category", data: dates },
  yAxis: { type: "value", name: "rows" },
  series: ingestKeys.map(k => ({ name: k, type: "bar", stack: "rows", data: DATA.ingest[k] }))
}, ingestKeys.length === 0 ? "no ingest runs in these dates" : null);

// Stage durations: seconds of each stage's latest attempt, stacked; failures in red.
const stageNames = Object.keys(DATA.stages);
// No red among the stages' colours: red marks a failed attempt.
const stageColors = ["#5470c6", "#91cc75", "#fac858", "#9a60b4", "#73c0de", "#3ba272"];
draw("chart-stages", "Stage durations", {
  tooltip: { trigger: "axis" },
  legend: { bottom: 0 },
  grid: { left: 60, right: 30, top: 40, bottom: 50 },
  xAxis: { type: "category", data: dates },
  yAxis: { type: "value", name: "seconds" },
  series: stageNames.map((s, k) => ({
    name: s, type: "bar", stack: "seconds", itemStyle: { color: stageColors[k % stageColors.length] },
    data: DATA.stages[s].seconds.map((v, i) => DATA.stages[s].failed[i]
      ? { value: v, itemStyle: { color: "#d9534f" } } : v)
  }))
}, stageNames.length === 0 ? "no runs recorded in pipeline_runs for these dates" : null);

window.addEventListener("resize", () => Object.values(charts).forEach(c => c.resize()));
