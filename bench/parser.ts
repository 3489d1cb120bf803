/**
 * Parser benchmark: Parrot's parseSipMessage against the npm `sip` package on the same bytes.
 * Prints one JSON line per message. `parrot_ops_s` is a parse (start line, all header fields,
 * body, and the eagerly validated Via/From/To/Call-ID/CSeq); `parrot_typed_ops_s` also reads
 * every header npm `sip` parses eagerly (Contact, Content-Type, Max-Forwards …), so the
 * comparison is like for like.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSipMessage } from '../codecs/sip';
const sip = require('sip') as { parse(b: Buffer): unknown };

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'sip');
const cases: Array<[string, Buffer]> = [
  ['invite', readFileSync(join(FIXTURES, 'invite-sdp.sip'))],
  ['200-ok', readFileSync(join(FIXTURES, 'response-200.sip'))],
  ['bye', readFileSync(join(FIXTURES, 'bye.sip'))],
];

/**
 * Operations per second of each function, measured together: after a warm-up, short batches
 * of each run in turn, round after round, and each function keeps its fastest batch. The
 * machine this runs on is often shared, so a slice of time can be taken away in the middle of
 * any batch; the fastest of many short batches, interleaved so every function sees the same
 * conditions, is far steadier than one long average.
 */
function opsPerSecond(fns: Array<() => unknown>, rounds = 40, batchNs = 20_000_000): number[] {
  for (const fn of fns) for (let i = 0; i < 20000; i++) fn(); // warm up the JIT
  // Batch sizes of about batchNs each.
  const sizes = fns.map((fn) => {
    let n = 1000;
    for (;;) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      const dt = Number(process.hrtime.bigint() - t0);
      if (dt >= batchNs / 4) return Math.max(1, Math.round((n * batchNs) / dt));
      n *= 2;
    }
  });
  const best = fns.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < fns.length; k++) {
      const fn = fns[k]!;
      const n = sizes[k]!;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      const perOp = Number(process.hrtime.bigint() - t0) / n;
      if (perOp < best[k]!) best[k] = perOp;
    }
  }
  return best.map((ns) => Math.round(1e9 / ns));
}

let sink: unknown;
for (const [name, bytes] of cases) {
  const [parrot, parrotTyped, npmSip] = opsPerSecond([
    () => (sink = parseSipMessage(bytes)),
    () => {
      const r = parseSipMessage(bytes);
      if (r.ok) {
        const m = r.message;
        sink = [m.contact, m.contentType, m.maxForwards, m.get('content-length')];
      }
    },
    () => (sink = sip.parse(bytes)),
  ]) as [number, number, number];
  console.log(
    JSON.stringify({
      name: `parse-${name}`,
      bytes: bytes.length,
      parrot_ops_s: parrot,
      parrot_typed_ops_s: parrotTyped,
      sip_ops_s: npmSip,
      ratio: +(parrot / npmSip).toFixed(2),
      ratio_typed: +(parrotTyped / npmSip).toFixed(2),
      parrot_us: +(1e6 / parrot).toFixed(2),
    }),
  );
}
void sink;
