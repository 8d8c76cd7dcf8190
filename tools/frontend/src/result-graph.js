// The query page's graph view of a CONSTRUCT or DESCRIBE answer: d3-force lays the nodes out (run to rest before
// anything is drawn, so nothing moves under the reader), and the graph is drawn as SVG with its names. Built by
// ../build.mjs into static/vendor/modules/graph.js; static/query.js imports it only when a result is a graph.
import { forceCenter, forceCollide, forceLink, forceManyBody, forceSimulation } from "d3-force";

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

/** Draw {nodes: [{id, label, kind, href}], links: [{source, target, label}]} into a container as an SVG. */
export function draw(container, data, label) {
  const nodes = data.nodes.map((n) => ({ ...n }));
  const links = data.links.map((l) => ({ ...l }));
  const width = 960;
  const height = Math.max(420, Math.min(1200, 40 * Math.sqrt(nodes.length) * 6));
  const simulation = forceSimulation(nodes)
    .force("link", forceLink(links).id((n) => n.id).distance(90))
    .force("charge", forceManyBody().strength(-260))
    .force("collide", forceCollide(28))
    .force("center", forceCenter(width / 2, height / 2))
    .stop();
  for (let i = 0; i < 300; i += 1) simulation.tick();
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const pad = 60;
  const box = [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) - Math.min(...xs) + 2 * pad,
    Math.max(...ys) - Math.min(...ys) + 2 * pad];
  // a group, not an image: its nodes are links a keyboard reaches
  const svg = el("svg", { viewBox: box.join(" "), role: "group", "aria-label": label, class: "graph-svg" });
  const defs = el("defs", {}, svg);
  const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 19, refY: 5, markerWidth: 7,
    markerHeight: 7, orient: "auto-start-reverse" }, defs);
  el("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "graph-arrow" }, marker);
  const edges = el("g", { class: "graph-edges" }, svg);
  for (const l of links) {
    const line = el("line", { x1: l.source.x, y1: l.source.y, x2: l.target.x, y2: l.target.y,
      "marker-end": "url(#arrow)" }, edges);
    el("title", {}, line).textContent = l.label;
    const text = el("text", { x: (l.source.x + l.target.x) / 2, y: (l.source.y + l.target.y) / 2 - 3,
      class: "graph-edge-label", "text-anchor": "middle" }, edges);
    text.textContent = l.label;
  }
  const points = el("g", { class: "graph-nodes" }, svg);
  for (const n of nodes) {
    const group = n.href ? el("a", { href: n.href }, points) : el("g", {}, points);
    el("circle", { cx: n.x, cy: n.y, r: n.kind === "literal" ? 5 : 9, class: `graph-node graph-${n.kind}` }, group);
    const text = el("text", { x: n.x + 12, y: n.y + 4, class: "graph-label" }, group);
    text.textContent = n.label;
  }
  container.replaceChildren(svg);
  return svg;
}
