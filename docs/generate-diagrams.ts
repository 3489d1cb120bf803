/** Writes docs/machines/<machine>.md from each machine's definition. `--check` only compares. */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { diagramPage } from '../runtime/diagram';
import { MACHINES } from './machines';

const dir = join(__dirname, 'machines');
mkdirSync(dir, { recursive: true });
const check = process.argv.includes('--check');
let stale = 0;
for (const m of MACHINES) {
  const file = join(dir, `${m.name}.md`);
  const text = diagramPage(m.name, m.machine, m.description);
  let current: string;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = '';
  }
  if (current === text) continue;
  stale++;
  if (check) console.error(`stale: ${file}`);
  else {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}
if (check && stale) process.exitCode = 1;
