#!/usr/bin/env node
// The `parrot` command. In a checkout (TypeScript sources present) it runs them through
// ts-node, so a stale dist/ never shadows your edits; an installed package runs dist/.
const path = require('node:path');
const fs = require('node:fs');
const source = path.join(__dirname, 'main.ts');
if (fs.existsSync(source)) {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  require(source);
} else {
  require(path.join(__dirname, '..', 'dist', 'cli', 'main.js'));
}
