// The page schema tells the truth: ajv 8 (draft 2020-12), given the schema
// the built plugin publishes, accepts and refuses exactly the settings
// documents the plugin's save validation accepts and refuses.
//
// The documents: the fuzz corpus of settings inputs plus generated edge cases
// (API key lengths at every bound with and without padding, every Unicode
// white space and zero-width character and their neighbours, control
// characters, every printable ASCII character, wrong types, unknown members).
// A document the plugin refuses for a reason no schema can state (not JSON,
// too many bytes, a member given twice) is counted apart, not compared.
//
// Usage: node schema_vs_plugin.mjs DUMP_PAGE PLUGIN_SO SETTINGS_VERDICTS CORPUS_DIR SCRATCH_DIR
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const [dumpPage, pluginSo, settingsVerdicts, corpusDir, scratchDir] = process.argv.slice(2);

function publishedSchema() {
  const dir = mkdtempSync(join(scratchDir, "schema-"));
  try {
    const page = execFileSync(dumpPage, [pluginSo, join(dir, "settings.db")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return JSON.parse(page).schema;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Each case is the document's text, as a host would send it.
function fuzzCorpus() {
  const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
  const texts = [];
  let notUtf8 = 0;
  for (const name of readdirSync(corpusDir)) {
    try {
      texts.push(strictUtf8.decode(readFileSync(join(corpusDir, name))));
    } catch {
      notUtf8 += 1; // the plugin refuses these as malformed JSON
    }
  }
  return { texts, notUtf8 };
}

const cp = (n) => String.fromCodePoint(n);
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// What a paste may carry around a key, and the characters next to that list.
const padding = [
  ...range(0x09, 0x0d), 0x20, 0x85, 0xa0, 0x1680, ...range(0x2000, 0x200d), 0x2028, 0x2029,
  0x202f, 0x205f, 0x2060, 0x3000, 0xfeff,
].map(cp);
const neighbours = [
  0x00, 0x08, 0x0e, 0x1f, 0x21, 0x7e, 0x7f, 0x80, 0x84, 0x86, 0x9f, 0xa1, 0x167f, 0x1681, 0x180e,
  0x1fff, 0x200e, 0x200f, 0x2027, 0x202a, 0x202e, 0x2030, 0x205e, 0x2061, 0x2fff, 0x3001, 0xfefe,
  0xfffe, 0x1f4b3,
].map(cp);
const controls = [...range(0x00, 0x1f), 0x7f, ...range(0x80, 0x9f)].map(cp);

function key(length) {
  const alphabet = "wp_live_ABCdef0123456789-.~!";
  return Array.from({ length }, (_, i) => alphabet[i % alphabet.length]).join("");
}

// Non-ASCII written as \u escapes (surrogate pairs past the BMP), as some
// hosts send them.
const asciiEscaped = (text) =>
  text.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));

function generatedCases() {
  const values = [];
  const lengths = [0, 1, 7, 8, 9, 16, 255, 256, 257, 300, 1000, 5000];
  for (const n of lengths) {
    values.push(key(n));
    for (const pad of [" ", "\u00a0", "\ufeff", "\u200b", "\r\n", " \u3000\t"]) {
      values.push(pad + key(n), key(n) + pad, pad + key(n) + pad, pad.repeat(40) + key(n));
    }
  }
  for (const c of [...padding, ...neighbours, ...controls]) {
    values.push(c + key(16), key(16) + c, key(8) + c + key(8), c, c + c + key(8) + c);
  }
  for (let code = 0x20; code <= 0x7e; code += 1) {
    values.push(key(7) + String.fromCharCode(code), String.fromCharCode(code).repeat(8));
  }
  const documents = values.map((v) => ({ api_key: v }));
  documents.push(
    {}, { api_key: null }, { api_key: 12345678 }, { api_key: true }, { api_key: [key(16)] },
    { api_key: { value: key(16) } }, { enabled: true }, { enabled: false }, { enabled: "true" },
    { enabled: 1 }, { enabled: null }, { enabled: [] }, { api_key: key(16), enabled: true },
    { api_key: null, enabled: false }, { webhook: "https://example.com" },
    { api_key: key(16), colour: "blue" }, { "": 1 }, { API_KEY: key(16) }, { Enabled: true },
    [], [{ api_key: key(16) }], "text", 12, null, true,
  );
  const texts = documents.map((d) => JSON.stringify(d));
  for (const v of values) {
    if (/[^\x00-\x7e]/.test(v)) {
      texts.push(asciiEscaped(JSON.stringify({ api_key: v })));
    }
  }
  return texts;
}

function pluginVerdicts(texts) {
  const input = texts.map((t) => JSON.stringify(t)).join("\n") + "\n";
  const out = execFileSync(settingsVerdicts, { input, encoding: "utf8", maxBuffer: 1 << 26 });
  const verdicts = out.trimEnd().split("\n");
  if (verdicts.length !== texts.length) {
    throw new Error(`the plugin gave ${verdicts.length} verdicts for ${texts.length} documents`);
  }
  return verdicts;
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(publishedSchema());
const corpus = fuzzCorpus();
const texts = [...corpus.texts, ...generatedCases()];
const verdicts = pluginVerdicts(texts);

const disagreements = [];
const counts = { accept: 0, refuse: 0, outside: corpus.notUtf8 };
texts.forEach((text, i) => {
  const plugin = verdicts[i];
  if (plugin.startsWith("outside ")) {
    counts.outside += 1;
    return;
  }
  let ajvAccepts;
  try {
    ajvAccepts = validate(JSON.parse(text));
  } catch {
    disagreements.push(`plugin says ${plugin} but the text is not JSON: ${text.slice(0, 80)}`);
    return;
  }
  counts[plugin] += 1;
  if (ajvAccepts !== (plugin === "accept")) {
    const why = ajvAccepts ? "" : " " + ajv.errorsText(validate.errors);
    disagreements.push(
      `ajv ${ajvAccepts ? "accepts" : "refuses"}, plugin ${plugin}s: ${text.slice(0, 100)}${why}`,
    );
  }
});

console.log(
  `${texts.length + corpus.notUtf8} documents: ${counts.accept} accepted and ${counts.refuse} ` +
    `refused by both sides' rules, ${counts.outside} outside what a schema can state`,
);
for (const line of disagreements.slice(0, 40)) {
  console.log("DISAGREE " + line);
}
if (counts.accept < 50 || counts.refuse < 50) {
  console.log("FAIL too few cases on one side for the comparison to mean anything");
  process.exit(1);
}
if (disagreements.length > 0) {
  console.log(`FAIL ${disagreements.length} documents get different verdicts`);
  process.exit(1);
}
console.log("ok   ajv and the plugin agree on every document");
