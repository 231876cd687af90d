// Every string in both languages: each zh-CN.json under src/ must have an en.json beside
// it with exactly the same keys, and no empty text. Run before every build.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "src");

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.name === "zh-CN.json" || entry.name === "en.json") yield path;
  }
}

function keys(value, prefix = "", out = new Map()) {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object") keys(v, key, out);
    else out.set(key, v);
  }
  return out;
}

const problems = [];
const dirs = new Set([...files(root)].map((f) => dirname(f)));
for (const dir of dirs) {
  const where = relative(join(root, ".."), dir);
  const [zhPath, enPath] = [join(dir, "zh-CN.json"), join(dir, "en.json")];
  if (!existsSync(zhPath) || !existsSync(enPath)) {
    problems.push(`${where}: zh-CN.json and en.json go together`);
    continue;
  }
  const zh = keys(JSON.parse(readFileSync(zhPath, "utf8")));
  const en = keys(JSON.parse(readFileSync(enPath, "utf8")));
  for (const k of zh.keys()) if (!en.has(k)) problems.push(`${where}: en.json lacks ${k}`);
  for (const k of en.keys()) if (!zh.has(k)) problems.push(`${where}: zh-CN.json lacks ${k}`);
  for (const [lang, table] of [["zh-CN", zh], ["en", en]]) {
    for (const [k, v] of table) {
      if (typeof v !== "string" || !v.trim()) problems.push(`${where}: ${lang} ${k} is empty`);
    }
  }
}
if (problems.length) {
  console.error(`Translations incomplete:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`Translations complete in ${dirs.size} folder(s).`);
