/**
 * Typed header values (RFC 3261 §20): parse a header value string into data, serialize it back.
 * Parsers are total: malformed input gives `undefined`.
 */
import {
  endOfQuoted,
  isToken,
  isTokenChar,
  isWs,
  parseParams,
  parseParamsInto,
  quote,
  serializeParams,
  skipWs,
  splitList,
  unquote,
} from './grammar';
import type { CSeq, MediaType, NameAddr, Params, RAck, Uri, ValueWithParams, Via } from './types';
import {
  buildFastSipUri,
  FAST_HOST_PORT_RE,
  fastHostType,
  fastPort,
  fastSipUriBaseRe,
  FAST_URI_PARAMS_RE,
  formatHost,
  parseHostPortPrefix,
  parseUriSpan,
  serializeUri,
  splitFastParams,
} from './uri';

/** Largest CSeq sequence number: "MUST be expressed as a 32-bit unsigned integer and MUST be less than 2**31" (§8.1.1.5). */
export const MAX_CSEQ = 0x7fffffff;

/** True when `c` is printable ASCII other than space: `String.prototype.trim` keeps it. */
function isVisible(c: number): boolean {
  return c > 32 && c < 127;
}

/**
 * True when `value.trim() === value` can be told from its two ends alone (they are visible
 * ASCII), so the value can be parsed without trimming it first.
 */
function plainEnds(value: string): boolean {
  const n = value.length;
  return n > 0 && isVisible(value.charCodeAt(0)) && isVisible(value.charCodeAt(n - 1));
}

/** The upper-cased transport token `s[start, end)`, without allocating for the usual ones. */
function transportName(s: string, start: number, end: number): string {
  const len = end - start;
  if (len === 3) {
    if (s.startsWith('UDP', start)) return 'UDP';
    if (s.startsWith('TCP', start)) return 'TCP';
    if (s.startsWith('TLS', start)) return 'TLS';
  } else if (len === 2) {
    if (s.startsWith('WS', start)) return 'WS';
  }
  return s.slice(start, end).toUpperCase();
}

// ---- fast paths ---------------------------------------------------------------------------
// One native regular expression validates the usual shape of a whole value (much cheaper than
// a character loop here); the pieces are then cut with indexOf/slice. Whatever the expression
// does not accept goes through the full parsers, which stay the reference.

/** token (§25.1) */
const TOKEN_CLASS = "[A-Za-z0-9\\-.!%*_+`'~]";
/** generic-params without whitespace or quotes, names already lower-case */
const FAST_GENERIC_PARAMS_RE = "(?:;[a-z0-9\\-.!%*_+`'~]+(?:=[A-Za-z0-9\\-.!%*_+`'~:\\[\\]]+)?)*";
const FAST_GENERIC_PARAMS = new RegExp(FAST_GENERIC_PARAMS_RE, 'y');
/** `SIP/2.0/TRANSPORT host[:port];params`, one space */
const FAST_VIA = new RegExp(`^SIP/2\\.0/${TOKEN_CLASS}+ ${FAST_HOST_PORT_RE}${FAST_GENERIC_PARAMS_RE}$`);
/** `"Display" <uri>;params` / `Display Name <uri>;params` / `<uri>;params` */
const FAST_NAME_ADDR = new RegExp(
  `^(?:"[^"\\\\]*"[ \\t]*|${TOKEN_CLASS}+(?: ${TOKEN_CLASS}+)* ?)?<${fastSipUriBaseRe(true)}${FAST_URI_PARAMS_RE}>${FAST_GENERIC_PARAMS_RE}$`,
);
/** addr-spec form `sip:user@host;params`: the URI stops at the first ';', the rest are header params */
const FAST_ADDR_SPEC = new RegExp(`^${fastSipUriBaseRe(false)}${FAST_GENERIC_PARAMS_RE}$`);

/**
 * Generic parameters `s[i, n)` into `params` when they have the usual shape; false (and
 * `params` untouched) otherwise.
 */
function fastGenericParams(s: string, i: number, n: number, params: Params): boolean {
  if (i === n) return true;
  FAST_GENERIC_PARAMS.lastIndex = i;
  if (!FAST_GENERIC_PARAMS.test(s) || FAST_GENERIC_PARAMS.lastIndex !== n) return false;
  splitFastParams(s, i, n, params, false);
  return true;
}

function fastVia(value: string): Via | undefined {
  if (!FAST_VIA.test(value)) return undefined;
  const n = value.length;
  const sp = value.indexOf(' ', 8);
  const t = value.slice(8, sp);
  const transport =
    t === 'UDP' || t === 'TCP' || t === 'TLS' || t === 'WS' || t === 'WSS' ? t : t.toUpperCase();
  const hs = sp + 1;
  let semi = value.indexOf(';', hs);
  if (semi < 0) semi = n;
  const colon = value.indexOf(':', hs);
  let hostEnd = semi;
  let port = -1;
  if (colon >= 0 && colon < semi) {
    hostEnd = colon;
    port = fastPort(value, colon + 1, semi);
    if (port < 0) return undefined;
  }
  const params: Params = new Map();
  if (semi < n) splitFastParams(value, semi, n, params, false);
  const via: Via = {
    protocol: 'SIP/2.0',
    transport,
    host: value.slice(hs, hostEnd),
    hostType: fastHostType(value, hs, hostEnd),
    params,
  };
  if (port >= 0) via.port = port;
  return via;
}

function fastNameAddr(value: string): NameAddr | undefined {
  const n = value.length;
  let displayName: string | undefined;
  let lt: number;
  const c0 = value.charCodeAt(0);
  if (c0 === 0x73 /* s */) {
    if (!FAST_ADDR_SPEC.test(value)) return undefined;
    let semi = value.indexOf(';', 4);
    if (semi < 0) semi = n;
    const uri = buildFastSipUri(value, 0, semi);
    if (!uri) return undefined;
    const params: Params = new Map();
    if (semi < n) splitFastParams(value, semi, n, params, false);
    return { uri, params };
  }
  if (!FAST_NAME_ADDR.test(value)) return undefined;
  if (c0 === 34 /* " */) {
    const close = value.indexOf('"', 1);
    displayName = value.slice(1, close);
    lt = value.indexOf('<', close + 1);
  } else {
    lt = value.indexOf('<');
    if (lt > 0) displayName = value.slice(0, value.charCodeAt(lt - 1) === 32 ? lt - 1 : lt);
  }
  const gt = value.indexOf('>', lt + 1);
  const uri = buildFastSipUri(value, lt + 1, gt);
  if (!uri) return undefined;
  const params: Params = new Map();
  if (gt + 1 < n) splitFastParams(value, gt + 1, n, params, false);
  const na: NameAddr = { uri, params };
  if (displayName !== undefined) na.displayName = displayName;
  return na;
}

/**
 * Parses one Via value (§20.42): `SIP/2.0/UDP host:port;branch=z9hG4bK…`.
 *
 * @example
 * parseVia('SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds')?.params.get('branch') // 'z9hG4bK776asdhds'
 */
export function parseVia(value: string): Via | undefined {
  if (value.charCodeAt(0) === 83 /* S */) {
    const fast = fastVia(value);
    if (fast !== undefined) return fast;
  }
  const n = value.length;
  let i = skipWs(value, 0);
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS
  let protocol: string;
  let transport: string;
  if (value.startsWith('SIP/2.0/', i)) {
    i = skipWs(value, i + 8);
    const ts = i;
    while (i < n && isTokenChar(value.charCodeAt(i))) i++;
    if (i === ts) return undefined;
    protocol = 'SIP/2.0';
    transport = transportName(value, ts, i);
  } else {
    const parts: string[] = [];
    for (let k = 0; k < 3; k++) {
      const s = i;
      while (i < n && isTokenChar(value.charCodeAt(i))) i++;
      if (i === s) return undefined;
      parts.push(value.slice(s, i));
      i = skipWs(value, i);
      if (k < 2) {
        if (value.charCodeAt(i) !== 47 /* / */) return undefined;
        i = skipWs(value, i + 1);
      }
    }
    protocol = parts[0]!.toUpperCase() + '/' + parts[1]!;
    transport = parts[2]!.toUpperCase();
  }
  i = skipWs(value, i);
  // sent-by runs to the first ';' (or the end); IPv6 references contain ':' but never ';'. No
  // host or port character is one of those delimiters, so host:port is read in place and must
  // stop right at one.
  const hp = parseHostPortPrefix(value, i, n);
  if (!hp) return undefined;
  i = hp.end;
  if (i < n) {
    const c = value.charCodeAt(i);
    if (c !== 59 && c !== 32 && c !== 9 && c !== 44) return undefined;
  }
  const params: Params = new Map();
  if (parseParamsInto(value, i, n, params, false) !== n) return undefined;
  const via: Via = { protocol, transport, host: hp.host, hostType: hp.hostType, params };
  if (hp.port >= 0) via.port = hp.port;
  return via;
}

/** Parses a Via header line that may hold several comma-separated values. */
export function parseViaList(value: string): Via[] | undefined {
  if (value.indexOf(',') < 0 && plainEnds(value)) {
    // splitList would give [value] unchanged.
    const v = parseVia(value);
    return v ? [v] : undefined;
  }
  const out: Via[] = [];
  for (const item of splitList(value)) {
    const v = parseVia(item);
    if (!v) return undefined;
    out.push(v);
  }
  return out.length ? out : undefined;
}

/** Serializes a Via value. */
export function serializeVia(v: Via): string {
  let s = v.protocol + '/' + v.transport + ' ' + formatHost(v.host, v.hostType);
  if (v.port !== undefined) s += ':' + v.port;
  return s + serializeParams(v.params);
}

/**
 * Parses name-addr or addr-spec with header parameters (§20.10, §20.20, §20.39 …).
 * "If the URI is not enclosed in angle brackets, any semicolon-delimited parameters are
 * header-parameters, not URI parameters." (§20.10)
 *
 * @example
 * parseNameAddr('"Bob" <sip:bob@biloxi.com>;tag=a6c85cf')?.params.get('tag') // 'a6c85cf'
 */
export function parseNameAddr(value: string): NameAddr | undefined {
  const fast = fastNameAddr(value);
  if (fast !== undefined) return fast;
  const n = value.length;
  let i = skipWs(value, 0);
  let displayName: string | undefined;
  let uri: Uri | undefined;
  const c0 = value.charCodeAt(i);
  if (c0 === 34 /* " */) {
    const e = endOfQuoted(value, i);
    if (e < 0) return undefined;
    // unquote(value.slice(i, e)), without the intermediate string
    const inner = value.slice(i + 1, e - 1);
    displayName = inner.indexOf('\\') < 0 ? inner : unquote(value.slice(i, e));
    i = skipWs(value, e);
    if (value.charCodeAt(i) !== 60) return undefined;
  }
  const lt = c0 === 34 ? i : value.indexOf('<', i);
  if (lt >= 0) {
    if (c0 !== 34 && lt > i) {
      // display-name = *(token LWS) — tokens only (UTF-8 tolerated as many stacks send it unquoted)
      let b = lt;
      while (b > i && isWs(value.charCodeAt(b - 1))) b--;
      if (b > i && isVisible(value.charCodeAt(i)) && isVisible(value.charCodeAt(b - 1))) {
        // value.slice(i, lt).trim() is value[i, b): check it in place.
        let collapse = false;
        for (let k = i; k < b; k++) {
          const c = value.charCodeAt(k);
          if (c === 32) {
            const d = value.charCodeAt(k + 1);
            if (d === 32 || d === 9) collapse = true;
          } else if (c === 9) {
            collapse = true;
          } else if (!(c > 127 || isTokenChar(c))) {
            return undefined;
          }
        }
        const dn = value.slice(i, b);
        displayName = collapse ? dn.replace(/[ \t]+/g, ' ') : dn;
      } else {
        const dn = value.slice(i, lt).trim();
        if (dn.length) {
          for (let k = 0; k < dn.length; k++) {
            const c = dn.charCodeAt(k);
            if (!(isTokenChar(c) || isWs(c) || c > 127)) return undefined;
          }
          displayName = dn.replace(/[ \t]+/g, ' ');
        }
      }
    }
    const gt = value.indexOf('>', lt + 1);
    if (gt < 0) return undefined;
    uri = parseUriSpan(value, lt + 1, gt);
    i = gt + 1;
  } else {
    // addr-spec: the URI runs to the first ';' (it cannot contain ';', ',', '?' in this form)
    let e = i;
    while (e < n) {
      const c = value.charCodeAt(e);
      if (c === 59 || isWs(c)) break;
      e++;
    }
    uri = parseUriSpan(value, i, e);
    i = e;
  }
  if (!uri) return undefined;
  const params: Params = new Map();
  if (!fastGenericParams(value, i, n, params) && parseParamsInto(value, i, n, params, false) !== n)
    return undefined;
  const na: NameAddr = { uri, params };
  if (displayName !== undefined) na.displayName = displayName;
  return na;
}

/** Serializes a name-addr, always in angle-bracket form. */
export function serializeNameAddr(na: NameAddr): string {
  const dn = na.displayName !== undefined ? quote(na.displayName) + ' ' : '';
  return dn + '<' + serializeUri(na.uri) + '>' + serializeParams(na.params);
}

/** Parses a comma-separated list of name-addrs (Contact, Route, Record-Route, Path …). */
export function parseNameAddrList(value: string): NameAddr[] | undefined {
  if (value.indexOf(',') < 0 && plainEnds(value)) {
    // splitList would give [value] unchanged.
    const na = parseNameAddr(value);
    return na ? [na] : undefined;
  }
  const out: NameAddr[] = [];
  for (const item of splitList(value)) {
    const na = parseNameAddr(item);
    if (!na) return undefined;
    out.push(na);
  }
  return out;
}

/**
 * Parses CSeq (§20.16): `4711 INVITE`.
 *
 * @example
 * parseCSeq('314159 INVITE') // { seq: 314159, method: 'INVITE' }
 */
export function parseCSeq(value: string): CSeq | undefined {
  const n = value.length;
  let i = skipWs(value, 0);
  const s = i;
  let seq = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) break;
    seq = seq * 10 + (c - 48);
    if (seq > MAX_CSEQ) return undefined;
    i++;
  }
  if (i === s || i - s > 10) return undefined;
  const ws = i;
  i = skipWs(value, i);
  if (i === ws) return undefined;
  const ms = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  if (i === ms || skipWs(value, i) !== n) return undefined;
  return { seq, method: value.slice(ms, i) };
}

/** Serializes CSeq. */
export function serializeCSeq(c: CSeq): string {
  return c.seq + ' ' + c.method;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Parses a non-negative decimal integer header (Content-Length, Max-Forwards, Expires …); max 2^32-1. */
export function parseUInt(value: string): number | undefined {
  const n = value.length;
  // Digits at both ends: nothing to trim.
  const t = n > 0 && isDigit(value.charCodeAt(0)) && isDigit(value.charCodeAt(n - 1)) ? value : value.trim();
  if (t.length === 0 || t.length > 10) return undefined;
  let v = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    v = v * 10 + (c - 48);
  }
  return v > 0xffffffff ? undefined : v;
}

/** Parses a comma-separated list of tokens (Allow, Supported, Require, Unsupported, Proxy-Require). */
export function parseTokenList(value: string): string[] | undefined {
  const out: string[] = [];
  for (const item of splitList(value)) {
    if (!isToken(item)) return undefined;
    out.push(item);
  }
  return out;
}

/**
 * Parses a media type with parameters (§20.15 Content-Type, one §20.1 Accept entry).
 *
 * @example
 * parseMediaType('application/sdp')?.type // 'application/sdp'
 */
export function parseMediaType(value: string): MediaType | undefined {
  const n = value.length;
  let i = skipWs(value, 0);
  const s = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  const type = value.slice(s, i);
  i = skipWs(value, i);
  if (!type.length || value.charCodeAt(i) !== 47) return undefined;
  i = skipWs(value, i + 1);
  const ss = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  const sub = value.slice(ss, i);
  if (!sub.length) return undefined;
  const p = parseParams(value, i);
  if (!p || p.end !== n) return undefined;
  return { type: (type + '/' + sub).toLowerCase(), params: p.params };
}

/** Serializes a media type. */
export function serializeMediaType(m: MediaType): string {
  return m.type + serializeParams(m.params);
}

/** Parses an Accept list (`*` entries allowed, e.g. `application/*`). */
export function parseMediaTypeList(value: string): MediaType[] | undefined {
  const out: MediaType[] = [];
  for (const item of splitList(value)) {
    const m = parseMediaType(item);
    if (!m) return undefined;
    out.push(m);
  }
  return out;
}

/**
 * Parses `value *(;param)` where value is a token (Event, Content-Disposition, Session-Expires,
 * Min-SE, Subscription-State, Reason …).
 */
export function parseValueWithParams(value: string): ValueWithParams | undefined {
  const n = value.length;
  let i = skipWs(value, 0);
  const s = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  if (i === s) return undefined;
  const v = value.slice(s, i);
  const p = parseParams(value, i);
  if (!p || p.end !== n) return undefined;
  return { value: v, params: p.params };
}

/** Serializes a value with parameters. */
export function serializeValueWithParams(v: ValueWithParams): string {
  return v.value + serializeParams(v.params);
}

/** Parses RAck (RFC 3262 §7.2): `776656 1 INVITE`. */
export function parseRAck(value: string): RAck | undefined {
  const parts = value.trim().split(/[ \t]+/);
  if (parts.length !== 3) return undefined;
  const rseq = parseUInt(parts[0]!);
  const cseq = parseUInt(parts[1]!);
  const method = parts[2]!;
  if (rseq === undefined || rseq < 1 || cseq === undefined || cseq > MAX_CSEQ || !isToken(method))
    return undefined;
  return { rseq, cseq, method };
}

/** Serializes RAck. */
export function serializeRAck(r: RAck): string {
  return r.rseq + ' ' + r.cseq + ' ' + r.method;
}

/** The `tag` parameter of a From/To value. */
export function tagOf(na: NameAddr): string | undefined {
  const t = na.params.get('tag');
  return t === null || t === undefined ? undefined : t;
}

/** Copies parameters so a caller can change them without touching a parsed message. */
export function cloneParams(p: Params): Params {
  return new Map(p);
}
