// Rebuilds src/scokg/web/static/vendor/ from the npm releases pinned in package.json (package-lock.json):
//   cd tools/frontend && npm ci && npm run build
// modules/     ES modules, split by esbuild so that each page loads only what it uses (static/query.js imports them):
//              editor.js (src/sparql-editor.js with CodeMirror 6), chart.js (src/result-chart.js with Chart.js),
//              graph.js (src/result-graph.js with d3-force), chunk-*.js (what they share); LICENSES.txt
// leaflet/     leaflet.js, leaflet.css, images/ copied from leaflet's dist/; LICENSE
// world-atlas/ countries-110m.geojson: world-atlas's Natural Earth 1:110m countries as GeoJSON, coordinates to
//              0.01 degree (the base layer of the maps, so they need no tile server); LICENSE
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";
import countries from "i18n-iso-countries";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../../src/scokg/web/static/vendor");
const modules = join(here, "node_modules");
const pkg = (name) => JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
const licenceOf = (name) => {
  const file = readdirSync(join(modules, name)).find((f) => /^(licen[cs]e|copying)/i.test(f));
  return file ? readFileSync(join(modules, name, file), "utf8").trim() : `(${pkg(name).license}; no licence file)`;
};

// only the folders written here: README.md stays
for (const folder of ["codemirror", "modules", "leaflet", "world-atlas"]) rmSync(join(out, folder), { recursive: true, force: true });

// the editor, the chart and the graph view: ES modules with their shared code in chunks
mkdirSync(join(out, "modules"), { recursive: true });
const result = await build({
  entryPoints: { editor: join(here, "src/sparql-editor.js"), chart: join(here, "src/result-chart.js"),
                 graph: join(here, "src/result-graph.js") },
  bundle: true, minify: true, format: "esm", splitting: true, chunkNames: "chunk-[hash]",
  target: "es2020", legalComments: "none", metafile: true, outdir: join(out, "modules"),
});
const bundled = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) bundled.add(m[1]);
}
const notices = [...bundled].sort().map((name) => `${name} ${pkg(name).version} (${pkg(name).license})\n\n${licenceOf(name)}`);
writeFileSync(join(out, "modules/LICENSES.txt"),
  "These modules bundle the npm packages below, each under its licence, and scokg's own\n" +
  "tools/frontend/src/*.js (MIT, as scokg).\n\n" + notices.join("\n\n" + "-".repeat(72) + "\n\n") + "\n");

// Leaflet
const leaflet = join(modules, "leaflet/dist");
mkdirSync(join(out, "leaflet/images"), { recursive: true });
for (const f of ["leaflet.js", "leaflet.css"]) copyFileSync(join(leaflet, f), join(out, "leaflet", f));
for (const f of readdirSync(join(leaflet, "images"))) copyFileSync(join(leaflet, "images", f), join(out, "leaflet/images", f));
writeFileSync(join(out, "leaflet/LICENSE"), `leaflet ${pkg("leaflet").version} (${pkg("leaflet").license})\n\n${licenceOf("leaflet")}\n`);

// the base layer
const topology = JSON.parse(readFileSync(join(modules, "world-atlas/countries-110m.json"), "utf8"));
const round = (x) => (Array.isArray(x) ? x.map(round) : Math.round(x * 100) / 100);
const world = feature(topology, topology.objects.countries);
countries.registerLocale(JSON.parse(readFileSync(join(modules, "i18n-iso-countries/langs/en.json"), "utf8")));
countries.registerLocale(JSON.parse(readFileSync(join(modules, "i18n-iso-countries/langs/de.json"), "utf8")));
for (const f of world.features) {
  f.geometry.coordinates = round(f.geometry.coordinates);
  // the maps name the countries in the page's language (German names from i18n-iso-countries by ISO code)
  const alpha2 = countries.numericToAlpha2(f.id);
  const de = alpha2 ? countries.getName(alpha2, "de", { select: "alias" }) || countries.getName(alpha2, "de") : null;
  f.properties = { name: f.properties.name, name_de: de || f.properties.name };
}
mkdirSync(join(out, "world-atlas"), { recursive: true });
writeFileSync(join(out, "world-atlas/countries-110m.geojson"), JSON.stringify(world));
writeFileSync(join(out, "world-atlas/LICENSE"),
  `countries-110m.geojson is converted from world-atlas ${pkg("world-atlas").version} (${pkg("world-atlas").license}),\n` +
  "whose data are Natural Earth's 1:110m Admin 0 countries (public domain, https://www.naturalearthdata.com/).\n" +
  `German names (name_de) from i18n-iso-countries ${pkg("i18n-iso-countries").version} ` +
  `(${pkg("i18n-iso-countries").license}).\n\n` + licenceOf("world-atlas") + "\n\n" + licenceOf("i18n-iso-countries") + "\n");

for (const f of ["editor.js", "chart.js", "graph.js"]) {
  if (!existsSync(join(out, "modules", f))) throw new Error(`modules/${f} was not built`);
}
console.log("built", out, "bundling", [...bundled].sort().join(", "));
