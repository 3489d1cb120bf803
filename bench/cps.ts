/**
 * Calls-per-second benchmark: SIPp's built-in `uac` scenario (INVITE → 200 → ACK → BYE → 200,
 * no pause) against two UASes, each in its own child process:
 *
 * - Parrot (`bench/parrotUas.ts`, UDP 127.0.0.1:5070), answering INVITE with 200 through the
 *   handler API;
 * - the npm `sip` package (`bench/sipUas.ts`, UDP 127.0.0.2:5062), the baseline.
 *
 * For each UAS the rate rises step by step (`RATES`, each step `STEP_SECONDS` long, i.e.
 * `-m rate*STEP_SECONDS` calls) and stops at the first failing step (a failing step is retried
 * `RETRIES` times first: the 2 cores are shared with SIPp and anything else). A step passes when SIPp exits
 * 0 and its statistics show every call successful, none failed, a cumulative call rate of at
 * least `MIN_ACHIEVED` of the target (an overloaded UAS makes SIPp fall behind without failing a
 * call: it retransmits and waits), and retransmissions on at most `MAX_RETRANS` of the calls.
 * The UAS's RSS is read from /proc right after each step; the one of its highest passing step is
 * reported.
 *
 * Prints progress on stderr and one JSON line on stdout. Run with `npm run bench:cps`.
 * Environment overrides for quick runs: CPS_RATES=500,1000  CPS_STEP_SECONDS=5  CPS_ONLY=sip|parrot
 * CPS_RETRIES=1  SIPP=/path/to/sipp.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SIPP = process.env['SIPP'] ?? '/usr/bin/sipp';
const RATES = (process.env['CPS_RATES'] ?? '500,1000,1500,2000,2500,3000,4000,5000,6000,8000,10000')
  .split(',')
  .map(Number)
  .filter((r) => r > 0);
const STEP_SECONDS = Number(process.env['CPS_STEP_SECONDS'] ?? 10);
const ONLY = process.env['CPS_ONLY'];
/** A step must reach this share of its target rate. */
const MIN_ACHIEVED = 0.95;
/** At most this many retransmissions per call. */
const MAX_RETRANS = 0.01;
/**
 * Between steps the UAS drains retransmissions and the tail of the previous step: at least
 * SETTLE_MS, then until it uses under IDLE_CPU of a core (at most IDLE_MAX_MS).
 */
const SETTLE_MS = 1000;
const IDLE_CPU = 0.1;
const IDLE_MAX_MS = 20_000;
const SIPP_IP = '127.0.0.1';
/** A failing step is run again this many times before the ramp stops (the machine is shared). */
const RETRIES = Number(process.env['CPS_RETRIES'] ?? 1);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isRunning = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

interface UasSpec {
  name: 'parrot' | 'sip';
  script: string;
  host: string;
  port: number;
}

const UASES: UasSpec[] = [
  { name: 'parrot', script: path.join(__dirname, 'parrotUas.ts'), host: '127.0.0.1', port: 5070 },
  { name: 'sip', script: path.join(__dirname, 'sipUas.ts'), host: '127.0.0.2', port: 5062 },
];

interface StepResult {
  ok: boolean;
  /** SIPp's cumulative call rate (calls created per second over the whole run). */
  cps: number;
  successful: number;
  failed: number;
  retrans: number;
  seconds: number;
  exit: number | string | null;
  rss_mb?: number;
  /** 1, or 2 when the first attempt failed and the step was retried. */
  attempts?: number;
  reason?: string;
}

const log = (msg: string): void => {
  process.stderr.write(`[cps] ${msg}\n`);
};

// ---- child processes ------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const tmpDirs = new Set<string>();

function killAll(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
  tmpDirs.clear();
}

process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    killAll();
    process.exit(130);
  });
}

function track(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

/** Starts a UAS script under ts-node and resolves once it prints `ready`. */
function startUas(spec: UasSpec): Promise<ChildProcess> {
  const child = track(
    spawn(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), spec.script, spec.host, String(spec.port)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  child.stderr!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim()) log(`${spec.name} UAS: ${line}`);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${spec.name} UAS not ready after 30 s`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${spec.name} UAS exited before ready (${code ?? signal})`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

/** CPU time (user + system) of a process in seconds, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return undefined;
  }
}

/** Waits SETTLE_MS, then until the process is (nearly) idle. */
async function settle(name: string, child: ChildProcess): Promise<void> {
  await sleep(SETTLE_MS);
  const pid = child.pid;
  if (pid === undefined) return;
  const t0 = Date.now();
  let last = cpuSeconds(pid);
  while (last !== undefined && Date.now() - t0 < IDLE_MAX_MS) {
    await sleep(500);
    const now = cpuSeconds(pid);
    if (now === undefined || now - last < IDLE_CPU * 0.5) return;
    last = now;
  }
  if (Date.now() - t0 >= IDLE_MAX_MS) log(`${name}: UAS still busy after ${IDLE_MAX_MS / 1000} s, going on`);
}

function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

// ---- SIPp -----------------------------------------------------------------------------------

const usedPorts = new Set<number>();

/** A UDP port on SIPP_IP that is free right now and not handed out before. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = dgram.createSocket('udp4');
      s.once('error', reject);
      s.bind(0, SIPP_IP, () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    if (!usedPorts.has(port)) {
      usedPorts.add(port);
      return port;
    }
  }
}

/** The last line of SIPp's `-trace_stat` CSV, keyed by column name. */
function readStats(file: string): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'latin1')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length < 2) return undefined;
  const header = lines[0]!.split(';');
  const values = lines[lines.length - 1]!.split(';');
  const row: Record<string, string> = {};
  header.forEach((h, i) => (row[h.trim()] = (values[i] ?? '').trim()));
  return row;
}

const num = (row: Record<string, string> | undefined, key: string): number => Number(row?.[key] ?? NaN) || 0;

async function runStep(spec: UasSpec, rate: number, port: number): Promise<StepResult> {
  const calls = rate * STEP_SECONDS;
  const dir = mkdtempSync(path.join(tmpdir(), 'parrot-cps-'));
  tmpDirs.add(dir);
  const statFile = path.join(dir, 'stat.csv');
  const args = [
    '-sn', 'uac',
    `${spec.host}:${spec.port}`,
    '-i', SIPP_IP,
    '-p', String(port),
    '-r', String(rate),
    '-m', String(calls),
    '-l', String(rate * 5),
    '-buff_size', String(4 * 1024 * 1024),
    '-nostdin',
    '-timeout', `${STEP_SECONDS * 3}s`,
    '-trace_stat', '-stf', statFile, '-fd', '1',
  ]; // prettier-ignore
  const t0 = process.hrtime.bigint();
  const sipp = track(spawn(SIPP, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  sipp.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let aborted: string | undefined;
  // Watch the per-second statistics: stop at the first failed call, or once the step can no
  // longer reach MIN_ACHIEVED of its rate.
  const deadlineMs = (STEP_SECONDS / MIN_ACHIEVED) * 1000 + 3000;
  const watch = setInterval(() => {
    const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const failed = num(readStats(statFile), 'FailedCall(C)');
    if (failed > 0) aborted = `${failed} failed call(s)`;
    else if (elapsedMs > deadlineMs) aborted = `too slow: not done after ${(elapsedMs / 1000).toFixed(1)} s`;
    if (aborted) {
      clearInterval(watch);
      sipp.kill('SIGKILL');
    }
  }, 500);
  const exit = await new Promise<number | string | null>((resolve) => {
    sipp.once('error', (e) => resolve(e.message));
    sipp.once('exit', (code, signal) => resolve(code ?? signal));
  });
  clearInterval(watch);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const row = readStats(statFile);
  rmSync(dir, { recursive: true, force: true });
  tmpDirs.delete(dir);

  const successful = num(row, 'SuccessfulCall(C)');
  const failed = num(row, 'FailedCall(C)');
  const retrans = num(row, 'Retransmissions(C)');
  const cps = Math.round(num(row, 'CallRate(C)'));
  const result: StepResult = {
    ok: false,
    cps,
    successful,
    failed,
    retrans,
    seconds: Math.round(seconds * 10) / 10,
    exit,
  };
  if (aborted) result.reason = aborted;
  else if (!row)
    result.reason = `no statistics from SIPp (exit ${exit}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
  else if (exit !== 0) result.reason = `SIPp exit ${exit}`;
  else if (failed > 0) result.reason = `${failed} failed call(s)`;
  else if (successful < calls) result.reason = `${successful}/${calls} calls successful`;
  else if (cps < rate * MIN_ACHIEVED)
    result.reason = `achieved ${cps} cps < ${MIN_ACHIEVED * 100}% of ${rate}`;
  else if (retrans > calls * MAX_RETRANS)
    result.reason = `${retrans} retransmissions > ${MAX_RETRANS * 100}% of calls`;
  else result.ok = true;
  return result;
}

// ---- ramp -----------------------------------------------------------------------------------

interface UasResult {
  cps: number;
  rssMb: number | null;
  steps: Record<string, StepResult>;
}

async function ramp(spec: UasSpec): Promise<UasResult> {
  const result: UasResult = { cps: 0, rssMb: null, steps: {} };
  log(`${spec.name}: starting UAS on udp ${spec.host}:${spec.port}`);
  let uas: ChildProcess;
  try {
    uas = await startUas(spec);
  } catch (e) {
    log(`${spec.name}: ${e instanceof Error ? e.message : String(e)}`);
    return result;
  }
  try {
    for (const rate of RATES) {
      let step: StepResult | undefined;
      let rss: number | undefined;
      for (let attempt = 1; attempt <= 1 + RETRIES && !step?.ok && isRunning(uas); attempt++) {
        if (attempt > 1) await settle(spec.name, uas);
        const port = await freePort();
        log(
          `${spec.name}: ${rate} cps for ${STEP_SECONDS} s (${rate * STEP_SECONDS} calls, sipp port ${port}` +
            `${attempt > 1 ? `, attempt ${attempt}` : ''})`,
        );
        step = await runStep(spec, rate, port);
        step.attempts = attempt;
        rss = rssMb(uas.pid);
        if (rss !== undefined) step.rss_mb = rss;
        log(
          `${spec.name}: ${rate} cps -> ${step.ok ? 'PASS' : 'FAIL'} achieved ${step.cps} cps, ` +
            `${step.successful} ok, ${step.failed} failed, ${step.retrans} retrans, ${step.seconds} s, ` +
            `rss ${rss ?? '?'} MB${step.reason ? ` (${step.reason})` : ''}`,
        );
      }
      if (!step) break;
      result.steps[String(rate)] = step;
      if (!isRunning(uas)) {
        log(`${spec.name}: UAS died (${uas.exitCode ?? uas.signalCode})`);
        break;
      }
      if (!step.ok) break;
      result.cps = rate;
      result.rssMb = rss ?? null;
      await settle(spec.name, uas);
    }
  } finally {
    await stopChild(uas);
  }
  return result;
}

async function main(): Promise<void> {
  if (!existsSync(SIPP)) throw new Error(`SIPp not found at ${SIPP} (set SIPP=...)`);
  const results: Partial<Record<UasSpec['name'], UasResult>> = {};
  for (const spec of UASES) {
    if (ONLY && ONLY !== spec.name) continue;
    results[spec.name] = await ramp(spec);
  }
  const parrot = results.parrot;
  const sip = results.sip;
  const ratio = parrot && sip && sip.cps > 0 ? Math.round((parrot.cps / sip.cps) * 100) / 100 : 0;
  const rates_tried: Record<string, Record<string, StepResult>> = {};
  for (const [name, r] of Object.entries(results)) rates_tried[name] = r.steps;
  process.stdout.write(
    JSON.stringify({
      name: 'cps',
      parrot_cps: parrot?.cps ?? 0,
      sip_cps: sip?.cps ?? 0,
      ratio,
      parrot_rss_mb: parrot?.rssMb ?? null,
      sip_rss_mb: sip?.rssMb ?? null,
      step_seconds: STEP_SECONDS,
      rates_tried,
    }) + '\n',
  );
}

main()
  .catch((e: unknown) => {
    log(`failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  })
  .finally(killAll);
