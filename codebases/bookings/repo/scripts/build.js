#!/usr/bin/env node
// Fast build: every file of a tsconfig project transpiled on its own by TypeScript (no type
// check), into the project's outDir. `npm run typecheck` checks the types.
//   node scripts/build.js [tsconfig.json]
// Transpiled files are kept by content in node_modules/.cache/transpile (TRANSPILE_CACHE to
// move it), as babel and eslint keep theirs: a file that any earlier build transpiled with the
// same TypeScript and options is copied from there instead of transpiled again.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

const project = process.argv[2] || "tsconfig.json";
const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")) };
const config = ts.getParsedCommandLineOfConfigFile(project, {}, host);
if (config.errors.length) fail(config.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n"));
const { outDir, rootDir } = config.options;
if (!outDir || !rootDir) fail(`${project} must set compilerOptions.outDir and rootDir`);

const cacheDir = process.env.TRANSPILE_CACHE || path.join("node_modules", ".cache", "transpile");
const options = JSON.stringify(config.options);

function cacheFile(file, source) {
  const key = crypto.createHash("sha256").update([ts.version, options, file, source].join("\0")).digest("hex");
  return path.join(cacheDir, `${key}.js`);
}

function readCached(where) {
  try {
    return fs.readFileSync(where, "utf8");
  } catch {
    return null;
  }
}

function remember(where, output) {
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${where}.${process.pid}.tmp`;
    fs.writeFileSync(partial, output);
    fs.renameSync(partial, where);
  } catch {
    // a read-only cache is still read
  }
}

let broken = 0;
for (const file of config.fileNames) {
  const source = fs.readFileSync(file, "utf8");
  const where = cacheFile(file, source);
  let output = readCached(where);
  if (output === null) {
    const result = ts.transpileModule(source, { compilerOptions: config.options, fileName: file, reportDiagnostics: true });
    for (const d of result.diagnostics || []) {
      broken += 1;
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
      console.error(`${file}${at ? `(${at.line + 1},${at.character + 1})` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    }
    output = result.outputText;
    if (!(result.diagnostics || []).length) remember(where, output);
  }
  const target = path.join(outDir, path.relative(rootDir, file)).replace(/\.ts$/, ".js");
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, output);
}
if (broken) fail(`${broken} syntax error(s)`);
