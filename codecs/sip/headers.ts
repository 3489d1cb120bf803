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
import type { CSeq, MediaType, NameAddr, Params, RAck, SipUri, ValueWithParams, Via } from './types';
import {
  formatHost,
  paramName,
  parseHostPort,
  parseUri,
  scanHostPort,
  scannedHost,
  scannedHostType,
  scannedPort,
  scannedUriEnd,
  scanSipUri,
  serializeUri,
  stringBytes,
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

// ---- fast paths: byte scanners -------------------------------------------------------------
// See the fast path section of uri.ts: the usual shapes read straight from bytes, mirroring the
// full parsers below, giving up on anything else.

/** byte class: token (§25.1) */
const B_TOKEN = 1;
/** byte class: gen-value characters, token / host ("[", "]", ":") */
const B_GEN_VALUE = 2;
/** classes of each byte value */
const BYTE_CLASS = new Uint8Array(256);
for (let c = 0; c < 128; c++) if (isTokenChar(c)) BYTE_CLASS[c] = B_TOKEN | B_GEN_VALUE;
for (const c of ':[]') BYTE_CLASS[c.charCodeAt(0)] = B_GEN_VALUE;

/**
 * generic-params `b[i, end)` into `params`, read as parseParamsInto reads them when
 * they hold no whitespace and no quoted value; false otherwise.
 */
function scanGenericParams(
  b: Uint8Array,
  s: string,
  o: number,
  i: number,
  end: number,
  params: Params,
): boolean {
  while (i < end) {
    if (b[i] !== 0x3b) return false;
    const ns = ++i;
    let upper = false;
    let c = 0;
    while (i < end && (BYTE_CLASS[(c = b[i]!)]! & B_TOKEN) !== 0) {
      if (c <= 0x5a && c >= 0x41) upper = true;
      i++;
    }
    if (i === ns) return false;
    const name = upper ? s.slice(ns - o, i - o).toLowerCase() : paramName(b, s, o, ns, i - ns);
    let value: string | null = null;
    if (i < end && c === 0x3d) {
      const vs = ++i;
      while (i < end && (BYTE_CLASS[b[i]!]! & B_GEN_VALUE) !== 0) i++;
      if (i === vs) return false;
      value = s.slice(vs - o, i - o);
    }
    params.set(name, value);
  }
  return true;
}

/** @internal True when bytes `b[at, at + 7)` are `SIP/2.0`. */
export function isSip20Bytes(b: Uint8Array, at: number): boolean {
  return (
    b[at] === 83 &&
    b[at + 1] === 73 &&
    b[at + 2] === 80 &&
    b[at + 3] === 47 &&
    b[at + 4] === 50 &&
    b[at + 5] === 46 &&
    b[at + 6] === 48
  );
}

/** The transport token `b[from, to)` upper-cased, the usual ones without allocating. */
function transportAt(b: Uint8Array, s: string, o: number, from: number, to: number): string {
  if (to - from === 3) {
    const x = b[from];
    const y = b[from + 1];
    const z = b[from + 2];
    if (x === 0x55 && y === 0x44 && z === 0x50) return 'UDP';
    if (x === 0x54 && y === 0x43 && z === 0x50) return 'TCP';
    if (x === 0x54 && y === 0x4c && z === 0x53) return 'TLS';
  }
  return s.slice(from - o, to - o).toUpperCase();
}

/** @internal One Via value `b[i, end)`, read as parseVia reads it. */
export function scanVia(b: Uint8Array, s: string, o: number, i: number, end: number): Via | undefined {
  if (end - i < 10 || !isSip20Bytes(b, i) || b[i + 7] !== 0x2f) return undefined;
  i += 8;
  const ts = i;
  while (i < end && (BYTE_CLASS[b[i]!]! & B_TOKEN) !== 0) i++;
  if (i === ts || i >= end || b[i] !== 0x20) return undefined;
  const transport = transportAt(b, s, o, ts, i);
  const hostAt = ++i;
  i = scanHostPort(b, i, end);
  if (i < 0) return undefined;
  const host = scannedHost(s, o, hostAt);
  const hostType = scannedHostType();
  const port = scannedPort();
  const params: Params = new Map();
  if (!scanGenericParams(b, s, o, i, end, params)) return undefined;
  const via: Via = { protocol: 'SIP/2.0', transport, host, hostType, params };
  if (port >= 0) via.port = port;
  return via;
}

/** @internal A name-addr / addr-spec with header parameters `b[i, end)`, read as parseNameAddr reads it. */
export function scanNameAddr(
  b: Uint8Array,
  s: string,
  o: number,
  i: number,
  end: number,
): NameAddr | undefined {
  let displayName: string | undefined;
  let c = b[i];
  let uri: SipUri | undefined;
  if (c === 0x73 && b[i + 1] === 0x69 && b[i + 2] === 0x70 && (b[i + 3] === 0x3a || b[i + 3] === 0x73)) {
    // addr-spec; a '<' anywhere would stop the scans (then "sip…" was a display name, invalid)
    uri = scanSipUri(b, s, o, i, end, true);
    if (uri === undefined) return undefined;
    i = scannedUriEnd();
    if (i < end && b[i] !== 0x3b) return undefined;
  } else {
    if (c === 0x22 /* " */) {
      const ds = i + 1;
      i = ds;
      while (i < end && (c = b[i]) !== 0x22) {
        if (c === 0x5c) return undefined;
        i++;
      }
      if (i >= end) return undefined;
      displayName = s.slice(ds - o, i - o);
      i++;
      while (i < end && ((c = b[i]) === 0x20 || c === 0x09)) i++;
      if (c !== 0x3c) return undefined;
    } else if (c !== 0x3c) {
      // display-name = *(token LWS): the tokens, trailing blanks dropped, blank runs collapsed
      const ds = i;
      let de = i;
      let collapse = false;
      while (i < end) {
        c = b[i]!;
        if (c === 0x20 || c === 0x09) {
          if (c === 0x09 || b[i + 1] === 0x20 || b[i + 1] === 0x09) collapse = true;
        } else if (c === 0x3c) {
          break;
        } else if ((BYTE_CLASS[c]! & B_TOKEN) !== 0 || c > 127) {
          de = i + 1;
        } else {
          return undefined;
        }
        i++;
      }
      if (i >= end) return undefined;
      const dn = s.slice(ds - o, de - o);
      displayName = collapse ? dn.replace(/[ \t]+/g, ' ') : dn;
    }
    // b[i] is '<'; the URI must end at the first '>'
    uri = scanSipUri(b, s, o, i + 1, end, false);
    if (uri === undefined) return undefined;
    i = scannedUriEnd();
    if (i >= end || b[i] !== 0x3e) return undefined;
    i++;
  }
  const params: Params = new Map();
  if (!scanGenericParams(b, s, o, i, end, params)) return undefined;
  const na: NameAddr = { uri, params };
  if (displayName !== undefined) na.displayName = displayName;
  return na;
}

/** @internal CSeq `b[i, end)`, read as parseCSeq reads it. */
export function scanCSeq(b: Uint8Array, s: string, o: number, i: number, end: number): CSeq | undefined {
  const ds = i;
  let seq = 0;
  let d: number;
  while (i < end && (d = b[i]! - 48) >= 0 && d <= 9) {
    seq = seq * 10 + d;
    if (seq > MAX_CSEQ) return undefined;
    i++;
  }
  if (i === ds || i - ds > 10 || i >= end || b[i] !== 0x20) return undefined;
  const ms = ++i;
  while (i < end && (BYTE_CLASS[b[i]!]! & B_TOKEN) !== 0) i++;
  if (i !== end || i === ms) return undefined;
  return { seq, method: s.slice(ms - o, end - o) };
}

/**
 * Parses one Via value (§20.42): `SIP/2.0/UDP host:port;branch=z9hG4bK…`.
 *
 * @example
 * parseVia('SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds')?.params.get('branch') // 'z9hG4bK776asdhds'
 */
export function parseVia(value: string): Via | undefined {
  if (value.charCodeAt(0) === 83 /* S */) {
    const b = stringBytes(value);
    const fast = b && scanVia(b, value, 0, 0, value.length);
    if (fast) return fast;
  }
  const n = value.length;
  let i = skipWs(value, 0);
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS
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
  // sent-by runs to the first ';' (or the end); IPv6 references contain ':' but never ';'.
  const hostStart = i;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 59 || isWs(c) || c === 44) break;
    i++;
  }
  const hp = parseHostPort(value.slice(hostStart, i));
  if (!hp) return undefined;
  const p = parseParams(value, i);
  if (!p || p.end !== n) return undefined;
  const via: Via = {
    protocol: parts[0]!.toUpperCase() + '/' + parts[1]!,
    transport: parts[2]!.toUpperCase(),
    host: hp.host,
    hostType: hp.hostType,
    params: p.params,
  };
  if (hp.port !== undefined) via.port = hp.port;
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
  const first = value.charCodeAt(0);
  if (first !== 32 && first !== 9) {
    const b = stringBytes(value);
    const fast = b && scanNameAddr(b, value, 0, 0, value.length);
    if (fast) return fast;
  }
  const n = value.length;
  let i = skipWs(value, 0);
  let displayName: string | undefined;
  let uriText: string;
  const c0 = value.charCodeAt(i);
  if (c0 === 34 /* " */) {
    const e = endOfQuoted(value, i);
    if (e < 0) return undefined;
    displayName = unquote(value.slice(i, e));
    i = skipWs(value, e);
    if (value.charCodeAt(i) !== 60) return undefined;
  }
  const lt = c0 === 34 ? i : value.indexOf('<', i);
  if (lt >= 0) {
    if (c0 !== 34) {
      // display-name = *(token LWS) — tokens only (UTF-8 tolerated as many stacks send it unquoted)
      const dn = value.slice(i, lt).trim();
      if (dn.length) {
        for (let k = 0; k < dn.length; k++) {
          const c = dn.charCodeAt(k);
          if (!(isTokenChar(c) || isWs(c) || c > 127)) return undefined;
        }
        displayName = dn.replace(/[ \t]+/g, ' ');
      }
    }
    const gt = value.indexOf('>', lt + 1);
    if (gt < 0) return undefined;
    uriText = value.slice(lt + 1, gt);
    i = gt + 1;
  } else {
    // addr-spec: the URI runs to the first ';' (it cannot contain ';', ',', '?' in this form)
    let e = i;
    while (e < n) {
      const c = value.charCodeAt(e);
      if (c === 59 || isWs(c)) break;
      e++;
    }
    uriText = value.slice(i, e);
    i = e;
  }
  const uri = parseUri(uriText);
  if (!uri) return undefined;
  const p = parseParams(value, i);
  if (!p || p.end !== n) return undefined;
  const na: NameAddr = { uri, params: p.params };
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

const FAST_MEDIA_TYPE = /^[a-z0-9\-.!%*_+`'~]+\/[a-z0-9\-.!%*_+`'~]+$/;

/**
 * Parses a media type with parameters (§20.15 Content-Type, one §20.1 Accept entry).
 *
 * @example
 * parseMediaType('application/sdp')?.type // 'application/sdp'
 */
export function parseMediaType(value: string): MediaType | undefined {
  // The usual `type/subtype`, lower-case, no parameters: one native test instead of a character
  // loop (slow on the sliced strings header values are).
  if (FAST_MEDIA_TYPE.test(value)) return { type: value, params: new Map() };
  const n = value.length;
  let i = skipWs(value, 0);
  const s = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  const typeEnd = i;
  i = skipWs(value, i);
  if (typeEnd === s || value.charCodeAt(i) !== 47) return undefined;
  const slash = i;
  i = skipWs(value, i + 1);
  const ss = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  if (i === ss) return undefined;
  const params: Params = new Map();
  if (parseParamsInto(value, i, n, params, false) !== n) return undefined;
  // type "/" subtype, without the whitespace that may surround the slash
  const full =
    typeEnd === slash && ss === slash + 1
      ? value.slice(s, i)
      : value.slice(s, typeEnd) + '/' + value.slice(ss, i);
  return { type: full.toLowerCase(), params };
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
