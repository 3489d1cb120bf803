/**
 * The SIPp conformance runner: for every scenario in sipp/scenarios.ts it starts a fresh Parrot
 * on 127.0.0.1 (random port) with that scenario's handler, runs SIPp as the UAC against it,
 * runs the scenario's Parrot-side check, prints a table scenario → pass/fail, and exits non-zero
 * on any failure. Scenarios are independent (own Parrot, own SIPp ports), so they run
 * concurrently. `npm run test:sipp [-- name …]`.
 *
 * `npm run test:sipp -- --list` lists the scenarios and what each proves.
 *
 * Environment: SIPP_JOBS (scenarios at once, default all), SIPP_KEEP=1 (keep the logs of a
 * passing run too). On failure the work directory is kept and its path printed: per scenario it
 * holds SIPp's errors.log and messages.log, its screen (sipp.out), Parrot's log and the wire
 * as Parrot saw it (parrot-wire.log).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParrot, type Parrot } from '../runtime';
import { SCENARIOS, type Scenario } from './scenarios';
import { Wire } from './wire';

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

/** A UDP port free right now on `host` (ports handed out in this run are never reused). */
const handedOut = new Set<number>();
async function freePort(host: string): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, host, () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
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

/** The first error SIPp logged, on one line. */
function firstSippError(dir: string, out: string): string {
  let text = '';
  try {
    text = readFileSync(join(dir, 'errors.log'), 'utf8');
  } catch {
    // no error file: fall back to the screen
  }
  // Entries start with "YYYY-MM-DD\tHH:MM:SS.uuu\tepoch: message" and may span lines.
  const entries = text.split(/\n(?=\d{4}-\d\d-\d\d\s)/).filter((e) => /^\d{4}-\d\d-\d\d\s/.test(e));
  const first = entries[0]?.replace(/^\S+\s+\S+\s+[\d.]+: /, '') ?? '';
  // An entry quoting a SIP message: keep its first line and the message's start line.
  const [head = '', ...rest] = first.split('\n');
  const startLine = rest.find((l) => /^(SIP\/2\.0 \d{3}|[A-Z]+ \S+ SIP\/2\.0)/.test(l.trim()));
  const line = (
    head + (startLine && !head.includes(startLine.trim()) ? ` [${startLine.trim()}]` : '') ||
    out.split('\n').filter((l) => /error|fail|abort/i.test(l))[0] ||
    ''
  )
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > 300 ? line.slice(0, 300) + ' …' : line;
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

async function runScenario(sipp: string, s: Scenario, work: string): Promise<Outcome> {
  const t0 = Date.now();
  const dir = join(work, s.name);
  mkdirSync(dir, { recursive: true });
  const logLines: string[] = [];
  const handlerErrors: string[] = [];
  const log = (level: string) => (m: string, f?: Record<string, unknown>) =>
    void logLines.push(`${level} ${m} ${f ? JSON.stringify(f) : ''}`);
  let parrot: Parrot;
  try {
    parrot = await createParrot({
      transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      logger: { warn: log('warn'), error: log('error') },
      stopTimeout: 1000,
      ...s.parrot?.(),
    });
  } catch (e) {
    return { name: s.name, ok: false, detail: `createParrot: ${String(e)}`, ms: Date.now() - t0 };
  }
  const wire = Wire.attach(parrot);
  parrot.on('handler.error', (e) => handlerErrors.push(e instanceof Error ? e.message : String(e)));
  let detail = '';
  let out = '';
  try {
    const timeout = s.timeoutSeconds ?? 10;
    const args = [
      ...(s.builtin ? ['-sn', s.builtin] : ['-sf', join(__dirname, 'scenarios', s.file ?? `${s.name}.xml`)]),
      `127.0.0.1:${parrot.addresses[0]!.port}`,
      '-i',
      '127.0.0.1',
      '-p',
      String(await freePort('127.0.0.1')),
      '-cp',
      String(await freePort('0.0.0.0')),
      '-m',
      String(s.calls ?? 1),
      '-l',
      String(s.limit ?? s.calls ?? 1),
      '-r',
      String(s.rate ?? 10),
      '-timeout',
      `${timeout}s`,
      '-timeout_error',
      '-trace_err',
      '-error_file',
      join(dir, 'errors.log'),
      '-trace_msg',
      '-message_file',
      join(dir, 'messages.log'),
      '-nostdin',
      ...(s.args ?? []),
    ];
    const r = await runSipp(sipp, args, dir, timeout * 1000 + 5000);
    out = r.out;
    if (r.code !== 0) {
      const why = firstSippError(dir, out);
      detail = `sipp exit ${r.code === null ? 'killed' : r.code}${why ? ': ' + why : ''}`;
    }
    if (!detail && s.check) detail = (await s.check(parrot, wire)) ?? '';
    if (!detail && !(await waitFor(() => parrot.calls.length === 0, 1000)))
      detail = `calls still live after SIPp finished: ${parrot.calls.map((c) => `${c.callId} ${c.state}`).join(', ')}`;
    if (!detail && handlerErrors.length && !s.handlerErrorsExpected)
      detail = `handler errors: ${handlerErrors.join('; ')}`;
  } catch (e) {
    detail = `runner: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    await parrot.stop();
  }
  writeFileSync(join(dir, 'sipp.out'), out);
  writeFileSync(join(dir, 'parrot-wire.log'), wire.dump());
  writeFileSync(join(dir, 'parrot.log'), logLines.join('\n'));
  return { name: s.name, ok: detail === '', detail, ms: Date.now() - t0 };
}

async function pool<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
  return results;
}

async function main(): Promise<void> {
  const sipp = sippPath();
  if (!sipp) {
    console.error(
      'sipp not found: install SIPp with `apt-get install sip-tester` (Debian package sip-tester)',
    );
    process.exit(1);
  }
  if (process.argv.includes('--list')) {
    const w = Math.max(...SCENARIOS.map((s) => s.name.length));
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(w)}  ${s.description}`);
    return;
  }
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(
      `unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
    process.exit(2);
  }
  const selected = SCENARIOS.filter((x) => !only.length || only.includes(x.name));
  const root = join(__dirname, '..', '.sipp-work');
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, 'run-'));
  const t0 = Date.now();
  const jobs = Number(process.env['SIPP_JOBS']) || selected.length;
  const results = await pool(selected, jobs, (s) => runScenario(sipp, s, work));
  const failed = results.filter((r) => !r.ok).length;
  const width = Math.max(8, ...results.map((r) => r.name.length));
  console.log(`\n${'scenario'.padEnd(width)}  result     time`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${r.ok ? 'pass' : 'FAIL'}  ${String(r.ms).padStart(7)} ms${r.ok ? '' : '  ' + r.detail}`,
    );
  }
  if (failed || process.env['SIPP_KEEP']) console.log(`\nlogs: ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(`(wall ${Date.now() - t0} ms)`);
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

void main();
