#!/usr/bin/env node
'use strict';
/*
 * kqlcheck: parses and binds KQL queries with Microsoft's Kusto.Language (the official C# parser compiled to
 * JavaScript with Bridge.NET, npm package @kusto/language-service-next, pinned in package-lock.json here).
 *
 *   node tools/kusto/kqlcheck.js SCHEMA.json [--warnings] [--analyzers] < queries.jsonl > diagnostics.jsonl
 *
 * SCHEMA.json: top-level keys are table names mapping to {column: kustoType}; keys starting with '$' are
 * metadata, except '$functions', which maps a function name (ASIM parsers such as _Im_ProcessCreate) to
 *   {"params": "(starttime:datetime=datetime(null), ...)", "returns": {column: kustoType}}
 * ("columns" is accepted for "returns"; "params" may be omitted for a function without parameters). Each becomes
 * a database function returning a table of exactly those columns, so calls are checked against the parameter list
 * (names, count; Kusto.Language does not type-check arguments of user functions) and the columns used after it.
 *
 * Input, one JSON object a line:  {"id": "...", "query": "...", "tables": {name: {col: type}}?, "functions": {...}?}
 *   "tables" and "functions" (same shapes as in SCHEMA.json) are declared for that query only, replacing any
 *   schema entry of the same name.
 * Output, one JSON line per input line, in order, flushed per line:
 *   {"id": "...", "diagnostics": [{"code", "severity", "category", "message", "start", "length"}]}
 *   category is "syntax" (from KustoCode.GetSyntaxDiagnostics), "semantic" (the rest of KustoCode.GetDiagnostics)
 *   or "analyzer" (KustoCodeService.GetAnalyzerDiagnostics, only with --analyzers). start/length are UTF-16
 *   offsets into "query" (the same as .NET string indices).
 *   Only severity "Error" is reported unless --warnings is given (then every severity is).
 *   A line that cannot be handled (bad JSON, no "query", a bad per-query table) yields {"id": ..., "error": "..."}.
 * A bad SCHEMA.json is reported on stderr and the process exits with code 2 before reading stdin.
 */

const fs = require('fs');
const readline = require('readline');

function fail(message) {
  process.stderr.write('kqlcheck: ' + message + '\n');
  process.exit(2);
}

// ---- arguments -------------------------------------------------------------------------------------------------
const args = process.argv.slice(2);
const options = { warnings: false, analyzers: false };
let schemaPath = null;
for (const a of args) {
  if (a === '--warnings') options.warnings = true;
  else if (a === '--analyzers') options.analyzers = true;
  else if (a === '-h' || a === '--help') {
    process.stdout.write('usage: node kqlcheck.js SCHEMA.json [--warnings] [--analyzers] < queries.jsonl\n');
    process.exit(0);
  } else if (a.startsWith('-')) fail('unknown option ' + a);
  else if (schemaPath === null) schemaPath = a;
  else fail('more than one schema file given');
}
if (schemaPath === null) fail('usage: node kqlcheck.js SCHEMA.json [--warnings] [--analyzers] < queries.jsonl');

// ---- Kusto.Language --------------------------------------------------------------------------------------------
try {
  // bridge.js defines the global Bridge and System runtime; Kusto.Language.Bridge.js then defines global Kusto.
  require('@kusto/language-service-next/bridge.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.js');
} catch (e) {
  fail('cannot load @kusto/language-service-next (' + e.message + '). Install it with ' +
    "'npm ci' in " + __dirname + ' (the test build does this when node_modules is missing).');
}
/* global Kusto, Bridge */
const K = Kusto.Language;
const S = K.Symbols;

/** A Bridge.NET IEnumerable / IReadOnlyList as a JS array. */
function toArray(list) {
  const out = [];
  if (!list) return out;
  const e = Bridge.getEnumerator(list);
  try {
    while (e.moveNext()) out.push(e.Current);
  } finally {
    if (typeof e.Dispose === 'function') e.Dispose();
  }
  return out;
}

// ---- schema -> symbols -----------------------------------------------------------------------------------------
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quoteName(name) {
  return IDENTIFIER.test(name) ? name : bracketName(name);
}

function bracketName(name) {
  return "['" + name.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "']";
}

function checkType(type, where) {
  if (typeof type !== 'string' || S.ScalarTypes.GetSymbol(type) === null)
    throw new Error(where + ': unknown Kusto type ' + JSON.stringify(type));
}

/** "(a:string, b:long)" from {a: "string", b: "long"}, validating the types. */
function columnList(columns, where) {
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns))
    throw new Error(where + ': expected an object {column: kustoType}');
  const parts = [];
  for (const [name, type] of Object.entries(columns)) {
    checkType(type, where + '.' + name);
    // Always bracketed: a keyword such as kind is a valid column name only when quoted.
    parts.push(bracketName(name) + ':' + type);
  }
  return '(' + parts.join(', ') + ')';
}

function makeTable(name, columns) {
  // TableSymbol.From parses a schema string "(col:type, ...)"; WithName returns a copy with the table's name.
  return S.TableSymbol.From(columnList(columns, name)).WithName(name);
}

function makeFunction(name, spec) {
  if (spec === null || typeof spec !== 'object') throw new Error('function ' + name + ': expected an object');
  const columns = spec.returns !== undefined ? spec.returns : spec.columns;
  if (columns === undefined) throw new Error('function ' + name + ': no "returns" (or "columns")');
  const params = spec.params === undefined || spec.params === '' ? '()' : spec.params;
  if (typeof params !== 'string' || !/^\s*\(/.test(params))
    throw new Error('function ' + name + ': "params" must be a parameter list like "(a:string=\'*\')"');
  // FunctionSymbol(name, returnType, parameters, description) is $ctor6 in Bridge.NET's overload naming, and
  // Parameter.ParseList parses a declaration list with defaults. A fixed return type binds ~3x faster per call than
  // a body (new FunctionSymbol.$ctor16(name, params, '{ datatable(...)[] }', null)), which is re-bound at each call.
  const result = S.TableSymbol.From(columnList(columns, 'function ' + name));
  return new S.FunctionSymbol.$ctor6(name, result, S.Parameter.ParseList(params), spec.description || null);
}

function symbolsFrom(tables, functions, where) {
  const map = new Map();
  for (const [name, columns] of Object.entries(tables || {})) map.set(name, makeTable(name, columns));
  if (functions !== undefined && functions !== null) {
    if (typeof functions !== 'object') throw new Error(where + ': "functions" must be an object');
    for (const [name, spec] of Object.entries(functions)) map.set(name, makeFunction(name, spec));
  }
  return map;
}

function globalsFor(members) {
  // DatabaseSymbol(name, members, isOpen) is $ctor1; a JS array is accepted where an IEnumerable is expected.
  const db = new S.DatabaseSymbol.$ctor1('db', Array.from(members.values()), false);
  return K.GlobalState.Default.WithDatabase(db);
}

function analyze(query, globals) {
  return K.KustoCode.ParseAndAnalyze(query, globals);
}

let baseMembers;
let baseGlobals;
try {
  let schema;
  try {
    schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  } catch (e) {
    throw new Error('cannot read ' + schemaPath + ': ' + e.message);
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    throw new Error(schemaPath + ': expected a JSON object of tables');
  const tables = {};
  for (const [key, value] of Object.entries(schema)) if (!key.startsWith('$')) tables[key] = value;
  baseMembers = symbolsFrom(tables, schema.$functions, schemaPath);
  baseGlobals = globalsFor(baseMembers);

  // Self-check: every declared function must be callable with its defaults and return its declared columns, so a
  // bad parameter list fails here rather than as a confusing error in some query.
  for (const [name, spec] of Object.entries(schema.$functions || {})) {
    const code = analyze(quoteName(name) + '()', baseGlobals);
    const errors = toArray(code.GetDiagnostics()).filter(d => d.Severity === 'Error');
    if (errors.length > 0) throw new Error('function ' + name + ' does not bind: ' + errors.map(d => d.Message).join('; '));
    const expected = Object.keys(spec.returns !== undefined ? spec.returns : spec.columns).length;
    const actual = code.ResultType && code.ResultType.Columns ? toArray(code.ResultType.Columns).length : -1;
    if (actual !== expected) throw new Error('function ' + name + ' returns ' + actual + ' columns, expected ' + expected);
  }
} catch (e) {
  fail(e.message);
}

// Per-query declarations are few and repeated (a test suite reuses the same extra tables), so cache their globals.
const extraCache = new Map();
const EXTRA_CACHE_LIMIT = 256;

function globalsForRequest(req) {
  const hasTables = req.tables !== undefined && req.tables !== null && Object.keys(req.tables).length > 0;
  const hasFunctions = req.functions !== undefined && req.functions !== null && Object.keys(req.functions).length > 0;
  if (!hasTables && !hasFunctions) return baseGlobals;
  if (hasTables && (typeof req.tables !== 'object' || Array.isArray(req.tables)))
    throw new Error('"tables" must be an object {name: {column: type}}');
  const key = JSON.stringify([req.tables || null, req.functions || null]);
  let globals = extraCache.get(key);
  if (globals === undefined) {
    const members = new Map(baseMembers);
    for (const [name, symbol] of symbolsFrom(req.tables, req.functions, 'query')) members.set(name, symbol);
    globals = globalsFor(members);
    if (extraCache.size >= EXTRA_CACHE_LIMIT) extraCache.delete(extraCache.keys().next().value);
    extraCache.set(key, globals);
  }
  return globals;
}

function diagnosticKey(d) {
  return d.Code + '\u0000' + d.Start + '\u0000' + d.Length + '\u0000' + d.Message;
}

function convert(d, category) {
  return {
    code: d.Code,
    severity: d.Severity,
    category,
    message: d.Message,
    start: d.HasLocation ? d.Start : 0,
    length: d.HasLocation ? d.Length : 0,
  };
}

function check(query, globals) {
  const code = analyze(query, globals);
  const syntax = toArray(code.GetSyntaxDiagnostics());
  const syntaxKeys = new Set(syntax.map(diagnosticKey));
  const out = syntax.map(d => convert(d, 'syntax'));
  // GetDiagnostics returns the syntax diagnostics and the semantic ones; keep the ones not already reported.
  for (const d of toArray(code.GetDiagnostics())) {
    if (!syntaxKeys.has(diagnosticKey(d))) out.push(convert(d, 'semantic'));
  }
  if (options.analyzers) {
    const service = new K.Editor.KustoCodeService.ctor(code);
    for (const d of toArray(service.GetAnalyzerDiagnostics(true))) out.push(convert(d, 'analyzer'));
  }
  const kept = options.warnings ? out : out.filter(d => d.severity === 'Error');
  kept.sort((a, b) => a.start - b.start || a.length - b.length);
  return kept;
}

function handle(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    return { id: null, error: 'bad JSON: ' + e.message };
  }
  const id = req !== null && typeof req === 'object' && 'id' in req ? req.id : null;
  try {
    if (req === null || typeof req !== 'object' || typeof req.query !== 'string')
      throw new Error('expected {"id": ..., "query": "..."}');
    return { id, diagnostics: check(req.query, globalsForRequest(req)) };
  } catch (e) {
    return { id, error: String(e && e.message ? e.message : e) };
  }
}

// Warm the parser and binder up (the first query pays for Bridge.NET's lazy type initialisation).
analyze('print 1', baseGlobals).GetDiagnostics();

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
rl.on('line', line => {
  if (line.trim() === '') return;
  // Writes to a pipe or file are synchronous in Node on Linux, so each answer leaves as soon as it is computed.
  process.stdout.write(JSON.stringify(handle(line)) + '\n');
});
// At end of input the event loop empties and Node exits with code 0 after stdout has drained.
