/**
 * The SIPp conformance runner: starts Parrot with the test handler on loopback, runs every
 * scenario in sipp/scenarios against it, prints a table scenario → pass/fail, and exits non-zero
 * on any failure. `npm run test:sipp`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParrot, type Parrot } from '../runtime';
import { SCENARIOS, type Scenario } from './scenarios';

function sippPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

interface Outcome {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

function runSipp(
  sipp: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(sipp, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function runScenario(
  sipp: string,
  s: Scenario,
  parrot: Parrot,
  work: string,
  localPort: number,
): Promise<Outcome> {
  const t0 = Date.now();
  const target = `127.0.0.1:${parrot.addresses[0]!.port}`;
  const dir = join(work, s.name);
  mkdirSync(dir, { recursive: true });
  const args = [
    ...(s.builtin ? ['-sn', s.builtin] : ['-sf', join(__dirname, 'scenarios', s.file ?? `${s.name}.xml`)]),
    target,
    '-i',
    '127.0.0.1',
    '-p',
    String(localPort),
    '-m',
    String(s.calls ?? 1),
    '-l',
    String(s.limit ?? s.calls ?? 1),
    '-r',
    String(s.rate ?? 10),
    '-timeout',
    `${s.timeoutSeconds ?? 30}s`,
    '-timeout_error',
    '-trace_err',
    '-error_file',
    join(dir, 'errors.log'),
    '-nostdin',
    ...(s.args ?? []),
  ];
  const { code, out } = await runSipp(sipp, args, dir, (s.timeoutSeconds ?? 30) * 1000 + 10000);
  let detail = code === 0 ? '' : `sipp exit ${code}`;
  if (code !== 0) {
    try {
      detail +=
        ': ' +
        readFileSync(join(dir, 'errors.log'), 'utf8').split('\n').filter(Boolean).slice(-3).join(' | ');
    } catch {
      detail += ': ' + out.split('\n').filter(Boolean).slice(-3).join(' | ');
    }
  }
  if (code === 0 && s.check) {
    const problem = s.check(parrot);
    if (problem) detail = problem;
  }
  return { name: s.name, ok: detail === '', detail, ms: Date.now() - t0 };
}

async function main(): Promise<void> {
  const sipp = sippPath();
  if (!sipp) {
    console.error(
      'sipp not found: install SIPp with `apt-get install sip-tester` (Debian package sip-tester)',
    );
    process.exit(1);
  }
  const only = process.argv.slice(2);
  const work = mkdtempSync(join(tmpdir(), 'parrot-sipp-'));
  const results: Outcome[] = [];
  let localPort = 15060 + Math.floor(Math.random() * 1000) * 2;
  for (const s of SCENARIOS.filter((x) => !only.length || only.includes(x.name))) {
    const parrot = await createParrot({
      transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      ...s.parrot?.(),
    });
    try {
      results.push(await runScenario(sipp, s, parrot, work, localPort));
    } finally {
      await parrot.stop();
    }
    localPort += 2;
  }
  rmSync(work, { recursive: true, force: true });
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`\n${'scenario'.padEnd(width)}  result  time`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${r.ok ? 'pass' : 'FAIL'}    ${String(r.ms).padStart(5)} ms${r.ok ? '' : '  ' + r.detail}`,
    );
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

void main();
