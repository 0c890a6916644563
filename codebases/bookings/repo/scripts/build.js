#!/usr/bin/env node
// Fast build: every file of a tsconfig project transpiled on its own by TypeScript (no type
// check), into the project's outDir. `npm run typecheck` checks the types.
//   node scripts/build.js [tsconfig.json]
"use strict";
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

let broken = 0;
for (const file of config.fileNames) {
  const result = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    compilerOptions: config.options, fileName: file, reportDiagnostics: true,
  });
  for (const d of result.diagnostics || []) {
    broken += 1;
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    console.error(`${file}${where ? `(${where.line + 1},${where.character + 1})` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  }
  const target = path.join(outDir, path.relative(rootDir, file)).replace(/\.ts$/, ".js");
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, result.outputText);
}
if (broken) fail(`${broken} syntax error(s)`);
