// The query page's chart view: one number column over a label column as bars or a line, drawn by Chart.js on a
// canvas (only the parts it needs, tree-shaken). Built by ../build.mjs into static/vendor/modules/chart.js;
// static/query.js imports it only when a result has a chart.
import {
  BarController, BarElement, CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement,
  Tooltip);

/** Draw data {labels, values, x, y} on a canvas as "bar" or "line"; returns a function that redraws as another kind. */
export function draw(canvas, data, kind) {
  let chart = null;
  const render = (as) => {
    if (chart) chart.destroy();
    chart = new Chart(canvas, {
      type: as,
      data: { labels: data.labels, datasets: [{ label: data.y, data: data.values, backgroundColor: "#0b5cad",
        borderColor: "#063b70", borderWidth: as === "line" ? 2 : 0, pointRadius: 3 }] },
      options: {
        maintainAspectRatio: false, animation: false, locale: document.documentElement.lang || "en",
        plugins: { tooltip: { enabled: true } },
        scales: { x: { title: { display: true, text: data.x, color: "#1d2329" }, ticks: { color: "#1d2329" } },
                  y: { title: { display: true, text: data.y, color: "#1d2329" }, ticks: { color: "#1d2329" },
                       beginAtZero: true } },
      },
    });
    canvas.dataset.kind = as;
  };
  render(kind);
  return render;
}
