import fc from 'fast-check';
import { isDeepStrictEqual } from 'util';
import type { HostType, SipUri, TelUri } from './codecs/sip/types';
import { parseUri, serializeUri, uriEquals } from './codecs/sip/uri';
const oddChar = fc.constantFrom(
  '@',
  ' ',
  ':',
  ';',
  '?',
  '&',
  '=',
  '%',
  '/',
  '#',
  '<',
  '>',
  '"',
  '[',
  ']',
  '+',
  '$',
  ',',
  '\u0000',
  '\r',
  '\n',
  'é',
  '€',
  '😀',
  '\u00a0',
);
const unitChar = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: oddChar },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const oddString = (minLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: unitChar, minLength, maxLength: 12 });

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
const topLabel = fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
const domainHost = fc
  .tuple(fc.array(label, { maxLength: 3 }), topLabel, fc.boolean())
  .map(([labels, top, dot]) => [...labels, top].join('.') + (dot ? '.' : ''));

const hostArb: fc.Arbitrary<{ host: string; hostType: HostType }> = fc.oneof(
  domainHost.map((host) => ({ host, hostType: 'domain' as const })),
  fc.ipV4().map((host) => ({ host, hostType: 'ipv4' as const })),
  fc.ipV6().map((host) => ({ host: host.toLowerCase(), hostType: 'ipv6' as const })),
);

const paramName = oddString(1)
  .map((s) => s.toLowerCase())
  .filter((s) => s.length > 0 && s === s.toLowerCase());

const sipUriArb: fc.Arbitrary<SipUri> = fc
  .record({
    scheme: fc.constantFrom('sip' as const, 'sips' as const),
    userinfo: fc.option(fc.tuple(oddString(1), fc.option(oddString(0), { nil: undefined })), {
      nil: undefined,
    }),
    host: hostArb,
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    params: fc.uniqueArray(fc.tuple(paramName, fc.option(oddString(0), { nil: null })), {
      selector: ([name]) => name,
      maxLength: 4,
    }),
    headers: fc.array(fc.tuple(oddString(1), oddString(0)), { maxLength: 3 }),
  })
  .map(({ scheme, userinfo, host, port, params, headers }) => {
    const u: SipUri = {
      kind: 'sip',
      scheme,
      host: host.host,
      hostType: host.hostType,
      params: new Map(params),
      headers,
    };
    if (userinfo) {
      u.user = userinfo[0];
      if (userinfo[1] !== undefined) u.password = userinfo[1];
    }
    if (port !== undefined) u.port = port;
    return u;
  });

const telUriArb: fc.Arbitrary<TelUri> = fc
  .record({
    number: fc.string({ unit: fc.constantFrom(...'0123456789aF*#+-.()'), minLength: 1, maxLength: 15 }),
    params: fc.uniqueArray(fc.tuple(paramName, fc.option(oddString(0), { nil: null })), {
      selector: ([name]) => name,
      maxLength: 3,
    }),
  })
  .map(({ number, params }) => ({
    kind: 'tel' as const,
    scheme: 'tel' as const,
    number,
    params: new Map(params),
  }));
let fails = 0;
for (const u of fc.sample(sipUriArb, 100000)) {
  const b = parseUri(serializeUri(u));
  if (!isDeepStrictEqual(b, u) || !uriEquals(b!, u)) { if (fails++ < 5) console.log('FAIL', u, serializeUri(u), b); }
}
for (const u of fc.sample(telUriArb, 20000)) {
  const b = parseUri(serializeUri(u));
  if (!isDeepStrictEqual(b, u)) { if (fails++ < 10) console.log('FAIL', u, serializeUri(u), b); }
}
console.log('fails', fails);
console.log(fc.sample(sipUriArb, 3).map(serializeUri));
