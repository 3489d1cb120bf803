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

function opsPerSecond(fn: () => unknown, ms = 1000): number {
  for (let i = 0; i < 20000; i++) fn(); // warm up the JIT
  let n = 0;
  const end = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  const t0 = process.hrtime.bigint();
  let now = t0;
  while (now < end) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    now = process.hrtime.bigint();
  }
  return Math.round(n / (Number(now - t0) / 1e9));
}

let sink: unknown;
for (const [name, bytes] of cases) {
  const parrot = opsPerSecond(() => (sink = parseSipMessage(bytes)));
  const parrotTyped = opsPerSecond(() => {
    const r = parseSipMessage(bytes);
    if (r.ok) {
      const m = r.message;
      sink = [m.contact, m.contentType, m.maxForwards, m.get('content-length')];
    }
  });
  const npmSip = opsPerSecond(() => (sink = sip.parse(bytes)));
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
