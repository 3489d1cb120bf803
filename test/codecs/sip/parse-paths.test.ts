import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseNameAddr, parseSipMessage, parseUri, parseVia, type SipMessage } from '../../../codecs/sip';

/**
 * parseSipMessage reads the usual messages on a fast path (bytes, one pass) and everything
 * else on its general path, the reference. A folded header line always takes the general path,
 * so a message and the same message with a folded extension header added must parse alike,
 * that header aside.
 *
 * Likewise parseVia, parseNameAddr and parseUri read the usual shapes with byte scanners and
 * fall back to their full parsers: a leading space (which both skip) or an upper-case scheme
 * (which both accept) sends the input to the full parser, so the answers must be the same.
 */
const DIR = join(__dirname, '../../fixtures/sip');
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.sip'))
  .map((f) => readFileSync(join(DIR, f)));

const PROBE = 'x-path-probe';

/**
 * The message with a folded `X-Path-Probe` header before its empty line, when that is clear:
 * the head ends at the first CRLFCRLF after any leading CRLFs, no bare-LF empty line comes
 * first, and the last line does not end in a CR or LF of its own (the reference drops that CR on
 * the last line only, and an LF there would leave an empty line before the probe).
 */
function withFoldedProbe(buf: Buffer): Buffer | undefined {
  let start = 0;
  while (buf[start] === 13 || buf[start] === 10) start++;
  const end = buf.indexOf('\r\n\r\n', start);
  // A head ending in a bare LF would give the probe an empty line before it.
  if (end <= start || buf[end - 1] === 13 || buf[end - 1] === 10) return undefined;
  const lf = buf.indexOf('\n\n', start);
  if (lf >= 0 && lf < end) return undefined;
  return Buffer.concat([buf.subarray(0, end), Buffer.from('\r\nX-Path-Probe: a\r\n b'), buf.subarray(end)]);
}

/** Everything a parse produces, the probe aside. */
function view(m: SipMessage): unknown {
  return {
    start: m.type === 'request' ? [m.method, m.uri, m.uriText] : [m.status, m.reason],
    headers: m.headers.filter((h) => h.key !== PROBE).map((h) => [h.name, h.key, h.value, h.raw]),
    body: m.body.toString('hex'),
    via: m._via,
    from: m._from,
    to: m._to,
    callId: m._callId,
    cseq: m._cseq,
  };
}

function agree(buf: Buffer): void {
  const probed = withFoldedProbe(buf);
  if (!probed) return;
  const a = parseSipMessage(buf);
  const b = parseSipMessage(probed);
  expect(b.ok).toBe(a.ok);
  if (a.ok && b.ok) expect(view(b.message)).toStrictEqual(view(a.message));
}

describe('fast path and general path agree', () => {
  it('on every fixture', () => {
    for (const f of fixtures) agree(f);
  });

  it('on mutated fixtures', () => {
    const bytes = ' :;,<>"\\\r\n\t@=/%[]abcSIPsip0123456789'.split('').map((c) => c.charCodeAt(0));
    bytes.push(0xc3, 0xa9, 0xff);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: fixtures.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...bytes), fc.constantFrom('set', 'del', 'ins')), {
          maxLength: 6,
        }),
        (which, edits) => {
          let b = Buffer.from(fixtures[which]!);
          for (const [pos, ch, op] of edits) {
            const p = pos % (b.length || 1);
            if (op === 'set') b[p] = ch;
            else if (op === 'del') b = Buffer.concat([b.subarray(0, p), b.subarray(p + 1)]);
            else b = Buffer.concat([b.subarray(0, p), Buffer.from([ch]), b.subarray(p)]);
          }
          agree(b);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('on generated requests', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9.!%*_+`'~-]{1,12}$/);
    const host = fc.oneof(
      fc.constantFrom(
        'example.com',
        'EXAMPLE.com',
        'a-b.example.org',
        '192.0.2.7',
        '[2001:db8::1]',
        '1.2.3.256',
      ),
      fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
    );
    const params = fc.array(fc.tuple(token, fc.option(token)), { maxLength: 3 });
    const p = (ps: Array<[string, string | null]>): string =>
      ps.map(([k, v]) => ';' + k + (v === null ? '' : '=' + v)).join('');
    fc.assert(
      fc.property(
        fc.record({
          user: fc.option(fc.stringMatching(/^[A-Za-z0-9%;?=&+$,._-]{1,10}$/)),
          host,
          port: fc.option(fc.integer({ min: 0, max: 70000 })),
          uriParams: params,
          display: fc.constantFrom('', 'Bob ', '"Alice" ', '"A \\"q\\"" ', 'Two  Words ', 'x\t'),
          viaParams: params,
          tagParams: params,
          cseq: fc.integer({ min: 0, max: 2 ** 31 + 5 }),
        }),
        (g) => {
          const uri =
            'sip:' +
            (g.user === null ? '' : g.user + '@') +
            g.host +
            (g.port === null ? '' : ':' + g.port) +
            p(g.uriParams);
          const text =
            `OPTIONS ${uri} SIP/2.0\r\n` +
            `Via: SIP/2.0/UDP ${g.host}${g.port === null ? '' : ':' + g.port}${p(g.viaParams)}\r\n` +
            `From: ${g.display}<${uri}>${p(g.tagParams)}\r\n` +
            `To: ${uri}${p(g.tagParams)}\r\n` +
            `Call-ID: x@${g.host}\r\nCSeq: ${g.cseq} OPTIONS\r\nContent-Length: 0\r\n\r\n`;
          agree(Buffer.from(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('scanners and full parsers: Via, name-addr, URI', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9.!%*_+`'~-]{1,8}$/);
    const host = fc.oneof(
      fc.constantFrom(
        'example.com',
        'EXAMPLE.com',
        'a-b.example.org',
        'x.',
        '192.0.2.7',
        '1.2.3.256',
        '[::1]',
      ),
      fc.stringMatching(/^[a-zA-Z0-9.-]{1,16}$/),
    );
    const port = fc.oneof(
      fc.constant(''),
      fc.integer({ min: 0, max: 70000 }).map((n) => ':' + n),
    );
    const genParams = fc
      .array(fc.tuple(token, fc.option(fc.stringMatching(/^[A-Za-z0-9.!%*_+`'~:[\]-]{0,8}$/))), {
        maxLength: 3,
      })
      .map((ps) => ps.map(([k, v]) => ';' + k + (v === null ? '' : '=' + v)).join(''));
    const uriParams = fc
      .array(
        fc.tuple(
          fc.stringMatching(/^[A-Za-z0-9\-_.!~*'()[\]/:&+$%]{0,6}$/),
          fc.option(fc.stringMatching(/^[A-Za-z0-9\-_.!~*'()[\]/:&+$%]{0,6}$/)),
        ),
        {
          maxLength: 3,
        },
      )
      .map((ps) => ps.map(([k, v]) => ';' + k + (v === null ? '' : '=' + v)).join(''));
    const user = fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^[A-Za-z0-9\-_.!~*'()&=+$,;?/%:]{0,8}$/).map((u) => u + '@'),
    );
    const rest = fc
      .tuple(user, host, port, uriParams, fc.constantFrom('', '', '?a=b', '>', ' '))
      .map(([u, h, p, ps, tail]) => u + h + p + ps + tail);
    const display = fc.constantFrom(
      '',
      'Bob ',
      'Bob',
      '"Alice" ',
      '"A \\"q\\"" ',
      'Two  Words ',
      'Tab\tName ',
      'caf\u00e9 ',
      'sip ',
    );
    fc.assert(
      fc.property(
        rest,
        display,
        genParams,
        fc.constantFrom('UDP', 'tcp', 'TLS', 'WSS', 'SCTP', 'X-Y'),
        fc.boolean(),
        fc.boolean(),
        (r, dn, gp, transport, sips, angle) => {
          const scheme = sips ? 'sips:' : 'sip:';
          expect(parseUri(scheme + r)).toStrictEqual(parseUri(scheme.toUpperCase() + r));
          const na = angle || dn ? dn + '<' + scheme + r + '>' + gp : scheme + r + gp;
          expect(parseNameAddr(na)).toStrictEqual(parseNameAddr(' ' + na));
          const h = r.slice(r.indexOf('@') + 1);
          const via = `SIP/2.0/${transport} ${h}${gp}`;
          expect(parseVia(via)).toStrictEqual(parseVia(' ' + via));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
