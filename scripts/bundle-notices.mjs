// The third-party notices of the bundle: for each npm package whose files esbuild put into a bundle
// (its metafile's inputs under node_modules/), the name, version, licence and the licence files the
// package ships. Licences like MIT require their notice to travel with copies of the code, and
// the package installs none of these packages: they are inside bundle/*.cjs.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const LICENCE_FILE = /^(licen[cs]e|copying|notice)([-._][\w.-]*)?$/i;

/** node_modules/a/node_modules/@s/b/lib/x.js → node_modules/a/node_modules/@s/b */
function packageDir(input) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll("\\", "/"));
  return match?.[1];
}

function origin(pkg) {
  const author = typeof pkg.author === "string" ? pkg.author : pkg.author?.name;
  const repository = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  return [author && `, author ${author}`, repository && `, repository ${repository}`].filter(Boolean).join("");
}

/** The text of the notices file for these esbuild inputs (paths relative to the repository). */
export function thirdPartyNotices(inputs) {
  const dirs = [...new Set(inputs.map(packageDir).filter(Boolean))];
  const packages = dirs.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const files = readdirSync(dir).filter((name) => LICENCE_FILE.test(name)).sort();
    const texts = files.map((file) => readFileSync(join(dir, file), "utf8").trim());
    if (texts.length === 0) texts.push(`The package ships no licence file; its package.json declares the licence ${pkg.license ?? "(none)"}${origin(pkg)}.`);
    return { name: pkg.name, version: pkg.version, license: pkg.license ?? "see below", texts };
  });
  // One entry per name and version (npm may install the same version twice, nested).
  const unique = [...new Map(packages.map((p) => [`${p.name}@${p.version}`, p])).values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const rule = "-".repeat(78);
  const header =
    "xmgr's bundle (bundle/*.cjs) contains the following npm packages, which are not installed\n" +
    "separately. Their licences and notices follow.\n\n" +
    unique.map((p) => `  ${p.name} ${p.version} (${p.license})`).join("\n");
  const entries = unique.map((p) => `${rule}\n${p.name} ${p.version} (${p.license})\n\n${p.texts.join("\n\n")}`);
  return `${header}\n\n${entries.join("\n\n")}\n`;
}
