#!/usr/bin/env node
// The `parrot` command. Runs the compiled CLI when the package is built, else the TypeScript
// sources through ts-node (a development checkout).
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (fs.existsSync(built)) {
  require(built);
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  require('./main.ts');
}
