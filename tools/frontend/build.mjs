// Rebuilds src/scokg/web/static/vendor/ from the npm releases pinned in package.json (package-lock.json):
//   cd tools/frontend && npm ci && npm run build
// codemirror/  sparql-editor.js: src/sparql-editor.js bundled with CodeMirror 6 (global ScokgEditor); LICENSES.txt
// leaflet/     leaflet.js, leaflet.css, images/ copied from leaflet's dist/; LICENSE
// world-atlas/ countries-110m.geojson: world-atlas's Natural Earth 1:110m countries as GeoJSON, coordinates to
//              0.01 degree (the base layer of the maps, so they need no tile server); LICENSE
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../../src/scokg/web/static/vendor");
const modules = join(here, "node_modules");
const pkg = (name) => JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
const licenceOf = (name) => {
  const file = readdirSync(join(modules, name)).find((f) => /^(licen[cs]e|copying)/i.test(f));
  return file ? readFileSync(join(modules, name, file), "utf8").trim() : `(${pkg(name).license}; no licence file)`;
};

// only the folders written here: README.md stays
for (const folder of ["codemirror", "leaflet", "world-atlas"]) rmSync(join(out, folder), { recursive: true, force: true });

// the editor
mkdirSync(join(out, "codemirror"), { recursive: true });
const result = await build({
  entryPoints: [join(here, "src/sparql-editor.js")], bundle: true, minify: true, format: "iife",
  globalName: "ScokgEditor", target: "es2020", legalComments: "none", metafile: true,
  outfile: join(out, "codemirror/sparql-editor.js"),
});
const bundled = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) bundled.add(m[1]);
}
const notices = [...bundled].sort().map((name) => `${name} ${pkg(name).version} (${pkg(name).license})\n\n${licenceOf(name)}`);
writeFileSync(join(out, "codemirror/LICENSES.txt"),
  "sparql-editor.js bundles these npm packages, each under its licence below, and scokg's own\n" +
  "tools/frontend/src/sparql-editor.js (MIT, as scokg).\n\n" + notices.join("\n\n" + "-".repeat(72) + "\n\n") + "\n");

// Leaflet
const leaflet = join(modules, "leaflet/dist");
mkdirSync(join(out, "leaflet/images"), { recursive: true });
for (const f of ["leaflet.js", "leaflet.css"]) copyFileSync(join(leaflet, f), join(out, "leaflet", f));
for (const f of readdirSync(join(leaflet, "images"))) copyFileSync(join(leaflet, "images", f), join(out, "leaflet/images", f));
writeFileSync(join(out, "leaflet/LICENSE"), `leaflet ${pkg("leaflet").version} (${pkg("leaflet").license})\n\n${licenceOf("leaflet")}\n`);

// the base layer
const topology = JSON.parse(readFileSync(join(modules, "world-atlas/countries-110m.json"), "utf8"));
const round = (x) => (Array.isArray(x) ? x.map(round) : Math.round(x * 100) / 100);
const countries = feature(topology, topology.objects.countries);
for (const f of countries.features) {
  f.geometry.coordinates = round(f.geometry.coordinates);
  f.properties = { name: f.properties.name };
}
mkdirSync(join(out, "world-atlas"), { recursive: true });
writeFileSync(join(out, "world-atlas/countries-110m.geojson"), JSON.stringify(countries));
writeFileSync(join(out, "world-atlas/LICENSE"),
  `countries-110m.geojson is converted from world-atlas ${pkg("world-atlas").version} (${pkg("world-atlas").license}),\n` +
  "whose data are Natural Earth's 1:110m Admin 0 countries (public domain, https://www.naturalearthdata.com/).\n\n" +
  licenceOf("world-atlas") + "\n");

if (!existsSync(join(out, "codemirror/sparql-editor.js"))) throw new Error("the editor was not built");
console.log("built", out, "bundling", [...bundled].sort().join(", "));
