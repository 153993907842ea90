// The client's structure, checked (run by `npm run check` and `scripts/test`):
//
// - no import cycle among the modules of src/ (type-only imports count: a type borrowed
//   from a module above ties the two together as much as a value does);
// - imports go one way through the layers, by folder: the router (`main.ts`) → views/ →
//   widgets/ → state/ and api/ → logic/ (a module may import its own layer or any below);
// - only api/ talks HTTP (`fetch`);
// - no source file over 400 lines except the word tables, no function over 100 lines.
//
// Imports are read with the TypeScript parser the build already uses, so no import is
// missed (type imports, `import("./x").T`, re-exports, dynamic imports). Exits 1 with
// every problem listed.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// The directory checked: client/src, or the one given (to try the check on another tree).
const src = resolve(process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), "../src"));
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 100;
/** Data tables, exempt from the file size limit. */
const DATA_TABLES = new Set(["logic/words/en.ts", "logic/words/es.ts"]);

/** Layers from the top; a module imports its own layer or one further down. */
const LAYERS = [
  { name: "router", holds: (f) => f === "main.ts" },
  { name: "views", holds: (f) => f.startsWith("views/") },
  { name: "widgets", holds: (f) => f.startsWith("widgets/") },
  { name: "state and API", holds: (f) => f.startsWith("state/") || f.startsWith("api/") },
  { name: "pure logic", holds: (f) => f.startsWith("logic/") },
];
const layerOf = (f) => LAYERS.findIndex((l) => l.holds(f));

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(path);
  }
  return out;
}

/** The module a relative specifier names, as a path under src/ (null for packages and CSS). */
function target(from, spec) {
  if (!spec.startsWith(".") || /\.(css|json)$/.test(spec)) return null;
  const base = resolve(dirname(join(src, from)), spec);
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")]) {
    if (/\.ts$/.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) return relative(src, candidate);
  }
  return `?${spec}`;
}

const problems = [];
const graph = new Map();
for (const path of sources(src).sort()) {
  const file = relative(src, path);
  const text = readFileSync(path, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imports = new Set();
  const lineOf = (pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node) => {
    let spec = null;
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      spec = node.moduleSpecifier.text;
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      spec = node.argument.literal.text;
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      spec = node.arguments[0].text;
    }
    if (spec !== null) {
      const to = target(file, spec);
      if (to?.startsWith("?")) problems.push(`${file}:${lineOf(node.getStart())}: cannot find the module "${spec}"`);
      else if (to) imports.add(to);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "fetch" && !file.startsWith("api/")) {
      problems.push(`${file}:${lineOf(node.getStart())}: fetch outside api/ (call the server through api/api.ts)`);
    }
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const lines = lineOf(node.getEnd()) - lineOf(node.getStart()) + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : "(anonymous)";
        problems.push(`${file}:${lineOf(node.getStart())}: function ${name} is ${lines} lines (at most ${MAX_FUNCTION_LINES})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  graph.set(file, imports);
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines > MAX_FILE_LINES && !DATA_TABLES.has(file)) problems.push(`${file}: ${lines} lines (at most ${MAX_FILE_LINES}; split it)`);
}

// Layers.
for (const [file, imports] of graph) {
  const mine = layerOf(file);
  if (mine < 0) {
    problems.push(`${file}: in no layer (main.ts, views/, widgets/, state/, api/ or logic/)`);
    continue;
  }
  for (const to of imports) {
    const theirs = layerOf(to);
    if (theirs >= 0 && theirs < mine) problems.push(`${file} imports ${to}: ${LAYERS[mine].name} may not import ${LAYERS[theirs].name}`);
  }
}

// Cycles: the strongly connected components of the import graph (Tarjan).
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v), index.get(w)));
    }
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v).has(v)) cycles.push(component.sort());
  }
}
for (const v of graph.keys()) if (!index.has(v)) connect(v);
for (const c of cycles) problems.push(`import cycle of ${c.length} modules: ${c.join(", ")}`);

if (problems.length > 0) {
  console.error(`client/src structure: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}
const edges = [...graph.values()].reduce((n, s) => n + s.size, 0);
console.log(`client/src structure: ${graph.size} modules, ${edges} imports, no cycle, layers respected, files and functions within limits`);
