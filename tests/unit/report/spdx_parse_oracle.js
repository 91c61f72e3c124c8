// Parses each line of stdin as an SPDX license expression with Debian's
// node-spdx-expression-parse (the parser npm uses), the oracle of
// tests/unit/report/license_test.cpp. Prints "ok" or "bad: <why>" per line.
'use strict';
const parse = require('spdx-expression-parse');
const lines = require('fs').readFileSync(0, 'utf8').split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();
const out = [];
for (const line of lines) {
  try {
    parse(line);
    out.push('ok');
  } catch (e) {
    out.push('bad: ' + String(e.message).replace(/\n/g, ' '));
  }
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
