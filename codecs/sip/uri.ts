/**
 * URI codec: `sip:` / `sips:` (RFC 3261 §19.1, grammar §25.1), `tel:` (RFC 3966) and any other
 * absolute URI (RFC 3986, kept opaque). Parsing, canonical serialization and the §19.1.4
 * comparison rules. Pure functions, no I/O; the parsers never throw.
 *
 * The hot path is a single left-to-right scan with `charCodeAt` and a 128-entry character-class
 * table; substrings are only cut once a component has been delimited.
 */
import type { AbsoluteUri, HostType, Params, SipUri, TelUri, Uri } from './types';

// ---------------------------------------------------------------------------------------------
// Character classes (RFC 3261 §25.1)
// ---------------------------------------------------------------------------------------------

/** alphanum */
const C_ALNUM = 1;
/** mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")" */
const C_MARK = 2;
/** user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" */
const C_USER = 4;
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
const C_PASS = 8;
/** param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" */
const C_PARAM = 16;
/** hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$" */
const C_HNV = 32;
/** HEXDIG */
const C_HEX = 64;
/** Characters of a tel: number: digits, hex digits, `* # + - . ( )` (RFC 3966 §3, loosely). */
const C_TEL = 128;

const CLASS = new Uint8Array(128);
(function fillClasses(): void {
  const mark = (chars: string, flag: number): void => {
    for (let i = 0; i < chars.length; i++) CLASS[chars.charCodeAt(i)]! |= flag;
  };
  const digits = '0123456789';
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  const upper = lower.toUpperCase();
  mark(digits + lower + upper, C_ALNUM);
  mark("-_.!~*'()", C_MARK);
  mark('&=+$,;?/', C_USER);
  mark('&=+$,', C_PASS);
  mark('[]/:&+$', C_PARAM);
  mark('[]/?:+$', C_HNV);
  mark(digits + 'abcdefABCDEF', C_HEX);
  mark(digits + 'abcdefABCDEF*#+-.()', C_TEL);
})();

/** unreserved = alphanum / mark */
const UNRESERVED = C_ALNUM | C_MARK;
/** user = 1*( unreserved / escaped / user-unreserved ) */
const USER_OK = UNRESERVED | C_USER;
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
const PASS_OK = UNRESERVED | C_PASS;
/** paramchar = param-unreserved / unreserved / escaped */
const PARAM_OK = UNRESERVED | C_PARAM;
/** hname / hvalue = *( hnv-unreserved / unreserved / escaped ) */
const HEADER_OK = UNRESERVED | C_HNV;

const PERCENT = 0x25;

/** True when code unit `c` may appear in a component with class mask `mask` (escapes included). */
function allowed(c: number, mask: number): boolean {
  return c === PERCENT || (c < 128 && (CLASS[c]! & mask) !== 0);
}

/** Index of the first code unit at or after `i` (and before `end`) not allowed by `mask`. */
function scan(text: string, i: number, end: number, mask: number): number {
  while (i < end && allowed(text.charCodeAt(i), mask)) i++;
  return i;
}

// ---------------------------------------------------------------------------------------------
// Percent escapes
// ---------------------------------------------------------------------------------------------

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Byte value of the `%XX` at `i`, or -1 if there is no well-formed escape there. */
function escapedByte(s: string, i: number): number {
  if (i + 2 >= s.length || s.charCodeAt(i) !== PERCENT) return -1;
  const hi = hexValue(s.charCodeAt(i + 1));
  const lo = hexValue(s.charCodeAt(i + 2));
  if (hi < 0 || lo < 0) return -1;
  return (hi << 4) | lo;
}

/**
 * Decodes `%XX` escapes; runs of escaped bytes are decoded as UTF-8 (RFC 3261 §1: SIP text is
 * UTF-8). Characters that are not escapes are passed through unchanged.
 *
 * Returns `undefined` for a malformed escape (`%`, `%4`, `%ZZ`) and for escaped bytes that are
 * not well-formed UTF-8 (overlong forms, surrogates, stray continuation bytes, truncated
 * sequences): silently substituting U+FFFD would make distinct URIs compare equal.
 *
 * @example
 * unescapePercent('project%20x'); // 'project x'
 * unescapePercent('%C3%A9t%C3%A9'); // 'été'
 * unescapePercent('%00'); // '\u0000'
 * unescapePercent('100%'); // undefined
 * unescapePercent('%FF'); // undefined (not UTF-8)
 */
export function unescapePercent(s: string): string | undefined {
  let i = s.indexOf('%');
  if (i < 0) return s;
  let out = s.slice(0, i);
  let last = i;
  while (i < s.length) {
    if (s.charCodeAt(i) !== PERCENT) {
      i++;
      continue;
    }
    out += s.slice(last, i);
    const b0 = escapedByte(s, i);
    if (b0 < 0) return undefined;
    i += 3;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
    } else {
      // RFC 3629 §4 well-formed UTF-8 byte sequences.
      let need: number;
      let cp: number;
      let min = 0x80;
      let max = 0xbf;
      if (b0 >= 0xc2 && b0 <= 0xdf) {
        need = 1;
        cp = b0 & 0x1f;
      } else if (b0 >= 0xe0 && b0 <= 0xef) {
        need = 2;
        cp = b0 & 0x0f;
        if (b0 === 0xe0) min = 0xa0;
        else if (b0 === 0xed) max = 0x9f; // no UTF-16 surrogates
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 === 0xf0) min = 0x90;
        else if (b0 === 0xf4) max = 0x8f;
      } else {
        return undefined;
      }
      for (let k = 0; k < need; k++) {
        const b = escapedByte(s, i);
        if (b < min || b > max) return undefined;
        min = 0x80;
        max = 0xbf;
        cp = (cp << 6) | (b & 0x3f);
        i += 3;
      }
      out += String.fromCodePoint(cp);
    }
    last = i;
  }
  return out + s.slice(last);
}

const HEX_UPPER = '0123456789ABCDEF';

function pctByte(b: number): string {
  return '%' + HEX_UPPER[b >> 4]! + HEX_UPPER[b & 15]!;
}

/** A URI component whose escaping rules {@link escapePercent} applies. */
export type UriComponent = 'user' | 'password' | 'param' | 'header';

const COMPONENT_MASK: Readonly<Record<UriComponent, number>> = {
  user: USER_OK,
  password: PASS_OK,
  param: PARAM_OK,
  header: HEADER_OK,
};

function escapeMask(s: string, mask: number): string {
  let i = 0;
  const n = s.length;
  // Fast path: nothing to escape.
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & mask) === 0) break;
    i++;
  }
  if (i === n) return s;
  let out = s.slice(0, i);
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 128) {
      out += (CLASS[c]! & mask) !== 0 ? s[i]! : pctByte(c);
    } else if (c < 0x800) {
      out += pctByte(0xc0 | (c >> 6)) + pctByte(0x80 | (c & 63));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out +=
          pctByte(0xf0 | (c >> 18)) +
          pctByte(0x80 | ((c >> 12) & 63)) +
          pctByte(0x80 | ((c >> 6) & 63)) +
          pctByte(0x80 | (c & 63));
      } else {
        // A lone surrogate has no UTF-8 form; like TextEncoder, emit U+FFFD.
        out += '%EF%BF%BD';
      }
    } else {
      out += pctByte(0xe0 | (c >> 12)) + pctByte(0x80 | ((c >> 6) & 63)) + pctByte(0x80 | (c & 63));
    }
  }
  return out;
}

/**
 * Escapes every character of `value` that may not appear literally in the given URI component
 * (RFC 3261 §25.1: `user`, `password`, `paramchar`, `hname`/`hvalue`) as upper-case `%XX` of its
 * UTF-8 bytes. `%` itself is always escaped. Lone UTF-16 surrogates are encoded as U+FFFD.
 *
 * @example
 * escapePercent('alice smith', 'user'); // 'alice%20smith'
 * escapePercent('a@b', 'header'); // 'a%40b'
 * escapePercent('+1-212;x=y', 'user'); // '+1-212;x=y'
 * escapePercent('é', 'param'); // '%C3%A9'
 */
export function escapePercent(value: string, component: UriComponent): string {
  return escapeMask(value, COMPONENT_MASK[component]);
}

// ---------------------------------------------------------------------------------------------
// Hosts
// ---------------------------------------------------------------------------------------------

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlpha(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x7a;
}

/**
 * `IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT`, each octet 0–255.
 * Fills `out[outAt]`, `out[outAt+1]` with the two 16-bit groups when `out` is given.
 */
function isIpv4(s: string, start: number, end: number, out?: number[], outAt = 0): boolean {
  let i = start;
  let value = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (i >= end || s.charCodeAt(i) !== 0x2e) return false;
      i++;
    }
    const first = i;
    let v = 0;
    while (i < end && i - first < 3 && isDigit(s.charCodeAt(i))) v = v * 10 + s.charCodeAt(i++) - 0x30;
    if (i === first || v > 255) return false;
    value = value * 256 + v;
  }
  if (i !== end) return false;
  if (out) {
    out[outAt] = Math.floor(value / 65536);
    out[outAt + 1] = value % 65536;
  }
  return true;
}

/**
 * IPv6address (RFC 4291 §2.2 text forms; the grammar RFC 5954 substitutes for RFC 3261's):
 * eight `h16` groups, or fewer with exactly one `::`, optionally ending in a dotted IPv4
 * address that stands for the last two groups. Fills `out` with the eight groups when given.
 */
function isIpv6(s: string, start: number, end: number, out?: number[]): boolean {
  const groups: number[] | undefined = out ? [] : undefined;
  let count = 0;
  let gap = -1; // number of groups before '::'
  let i = start;
  if (end - start < 2) return false;
  if (s.charCodeAt(i) === 0x3a) {
    if (s.charCodeAt(i + 1) !== 0x3a) return false;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    const first = i;
    let v = 0;
    while (i < end && i - first < 5) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      v = v * 16 + h;
      i++;
    }
    if (i < end && s.charCodeAt(i) === 0x2e) {
      // Embedded IPv4: must be the tail and leave room for two groups.
      if (count > 6 || (gap < 0 && count !== 6)) return false;
      if (!isIpv4(s, first, end, groups, groups?.length)) return false;
      count += 2;
      break;
    }
    if (i === first || i - first > 4) return false;
    groups?.push(v);
    if (++count > 8) return false;
    if (i === end) break;
    if (s.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === end) {
      return false; // trailing single ':'
    }
  }
  if (gap >= 0 ? count > 7 : count !== 8) return false;
  if (out && groups) {
    const zeros = 8 - count;
    let k = 0;
    for (let g = 0; g < groups.length; g++) {
      if (g === gap) for (let z = 0; z < zeros; z++) out[k++] = 0;
      out[k++] = groups[g]!;
    }
    if (gap === groups.length) for (let z = 0; z < zeros; z++) out[k++] = 0;
  }
  return true;
}

// The span parsers below return an index and leave what they read here, so the hot path allocates
// nothing but the strings it keeps. Read right after a successful call.
let hostOut = '';
let hostTypeOut: HostType = 'domain';
let portOut = 0;

/**
 * Parses `host` at `s[start, end)`: hostname / IPv4address / IPv6reference. Returns the index
 * just past the host (which is left in `hostOut` / `hostTypeOut`), or -1.
 *
 * hostname = *( domainlabel "." ) toplabel [ "." ]
 * domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
 * toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum
 */
function parseHostAt(s: string, start: number, end: number): number {
  if (start >= end) return -1;
  if (s.charCodeAt(start) === 0x5b) {
    // IPv6reference = "[" IPv6address "]"
    const close = s.indexOf(']', start + 1);
    if (close < 0 || close >= end || !isIpv6(s, start + 1, close)) return -1;
    hostOut = lowerAscii(s.slice(start + 1, close));
    hostTypeOut = 'ipv6';
    return close + 1;
  }
  // One pass: delimit the host and check the hostname rules on the way.
  let i = start;
  let digitsAndDots = true;
  let hasUpper = false;
  let labelsOk = true;
  let labelStart = start;
  let prevLabelStart = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (i === labelStart || s.charCodeAt(i - 1) === 0x2d) labelsOk = false;
      prevLabelStart = labelStart;
      labelStart = i + 1;
    } else if (c >= 0x30 && c <= 0x39) {
      // digit
    } else if (c === 0x2d) {
      digitsAndDots = false;
      if (i === labelStart) labelsOk = false;
    } else if (c < 128 && (CLASS[c]! & C_ALNUM) !== 0) {
      digitsAndDots = false;
      if (c <= 0x5a) hasUpper = true;
    } else {
      break;
    }
    i++;
  }
  if (i === start) return -1;
  // "1.2.3.256" is not an IPv4address; it could only be a hostname, whose toplabel must start
  // with ALPHA, so it is rejected below.
  if (digitsAndDots && isIpv4(s, start, i)) {
    hostOut = s.slice(start, i);
    hostTypeOut = 'ipv4';
    return i;
  }
  if (!labelsOk) return -1;
  let top: number;
  if (labelStart === i) {
    top = prevLabelStart; // trailing dot
  } else {
    if (s.charCodeAt(i - 1) === 0x2d) return -1;
    top = labelStart;
  }
  if (!isAlpha(s.charCodeAt(top))) return -1;
  const raw = s.slice(start, i);
  hostOut = hasUpper ? raw.toLowerCase() : raw;
  hostTypeOut = 'domain';
  return i;
}

function lowerAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.toLowerCase();
  }
  return s;
}

/**
 * Parses `port = 1*DIGIT` starting at `i` (just after the ':'); returns the index past it and
 * leaves the value in `portOut`, or -1 when empty, not digits, or outside 1–65535.
 */
function parsePortAt(s: string, i: number, end: number): number {
  const start = i;
  let v = 0;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) break;
    v = v * 10 + c - 0x30;
    if (v > 65535) return -1;
    i++;
  }
  if (i === start || v === 0) return -1;
  portOut = v;
  return i;
}

/**
 * Parses `host [ ":" port ]` — the Via `sent-by` and SIP URI `hostport` (RFC 3261 §25.1). The
 * whole string must match; IPv6 references are written in brackets and returned without them.
 * Host names are lower-cased. Returns `undefined` for anything else (never throws).
 *
 * @example
 * parseHostPort('Example.COM:5060'); // { host: 'example.com', hostType: 'domain', port: 5060 }
 * parseHostPort('192.0.2.4'); // { host: '192.0.2.4', hostType: 'ipv4' }
 * parseHostPort('[2001:DB8::1]:5070'); // { host: '2001:db8::1', hostType: 'ipv6', port: 5070 }
 * parseHostPort('host:0'); // undefined
 */
export function parseHostPort(text: string): { host: string; hostType: HostType; port?: number } | undefined {
  if (typeof text !== 'string') return undefined;
  const n = text.length;
  const he = parseHostAt(text, 0, n);
  if (he < 0) return undefined;
  if (he === n) return { host: hostOut, hostType: hostTypeOut };
  if (text.charCodeAt(he) !== 0x3a) return undefined;
  const host = hostOut;
  const hostType = hostTypeOut;
  if (parsePortAt(text, he + 1, n) !== n) return undefined;
  return { host, hostType, port: portOut };
}

/**
 * Writes a host as it appears in a URI or Via: IPv6 addresses get their brackets back.
 *
 * @example
 * formatHost('2001:db8::1', 'ipv6'); // '[2001:db8::1]'
 * formatHost('atlanta.com', 'domain'); // 'atlanta.com'
 */
export function formatHost(host: string, hostType: HostType): string {
  return hostType === 'ipv6' ? '[' + host + ']' : host;
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/**
 * Parses `*( ";" pname [ "=" pvalue ] )` at `i` (before `end`) into `params`; returns the index
 * past the last parameter, or -1 when a parameter is malformed. Names are unescaped then
 * lower-cased, values unescaped; a flag parameter is `null`. An empty value (`;name=`) is
 * accepted as `''`. When a name repeats, the first occurrence wins.
 */
function parseParamsAt(s: string, i: number, end: number, params: Params): number {
  while (i < end && s.charCodeAt(i) === 0x3b) {
    const nameStart = ++i;
    let pct = false;
    let upper = false;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === PERCENT) pct = true;
      else if (c >= 128 || (CLASS[c]! & PARAM_OK) === 0) break;
      else if (c <= 0x5a && c >= 0x41) upper = true;
      i++;
    }
    if (i === nameStart) return -1;
    let name: string;
    if (pct) {
      const rawName = unescapePercent(s.slice(nameStart, i));
      if (rawName === undefined) return -1;
      name = rawName.toLowerCase();
    } else {
      // Without escapes the name is ASCII: lower-casing only changes A-Z.
      name = upper ? s.slice(nameStart, i).toLowerCase() : s.slice(nameStart, i);
    }
    let value: string | null = null;
    if (i < end && s.charCodeAt(i) === 0x3d) {
      const valueStart = ++i;
      pct = false;
      while (i < end) {
        const c = s.charCodeAt(i);
        if (c === PERCENT) pct = true;
        else if (c >= 128 || (CLASS[c]! & PARAM_OK) === 0) break;
        i++;
      }
      if (pct) {
        const v = unescapePercent(s.slice(valueStart, i));
        if (v === undefined) return -1;
        value = v;
      } else {
        value = s.slice(valueStart, i);
      }
    }
    if (params.size === 0 || !params.has(name)) params.set(name, value);
  }
  return i;
}

/** Parses `"?" hname "=" hvalue *( "&" hname "=" hvalue )` at `i` (before `end`); -1 when malformed. */
function parseHeadersAt(s: string, i: number, end: number, headers: Array<[string, string]>): number {
  if (i >= end || s.charCodeAt(i) !== 0x3f) return i;
  do {
    const nameStart = ++i;
    i = scan(s, i, end, HEADER_OK);
    if (i === nameStart || i >= end || s.charCodeAt(i) !== 0x3d) return -1;
    const name = unescapePercent(s.slice(nameStart, i));
    const valueStart = ++i;
    i = scan(s, i, end, HEADER_OK);
    const value = unescapePercent(s.slice(valueStart, i));
    if (name === undefined || value === undefined) return -1;
    headers.push([name, value]);
  } while (i < end && s.charCodeAt(i) === 0x26);
  return i;
}

/**
 * SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 * SIPS-URI = "sips:" [ userinfo ] hostport uri-parameters [ headers ]
 * userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 */
function parseSipAt(s: string, start: number, end: number, scheme: 'sip' | 'sips'): SipUri | undefined {
  let i = start;
  let user: string | undefined;
  let password: string | undefined;
  // "@" is excluded from every character set that may follow the host, so the first "@"
  // (if any) closes the userinfo.
  const at = s.indexOf('@', i);
  if (at >= 0 && at < end) {
    let pct = false;
    let userEnd = i;
    while (userEnd < at) {
      const c = s.charCodeAt(userEnd);
      if (c === PERCENT) pct = true;
      else if (c >= 128 || (CLASS[c]! & USER_OK) === 0) break;
      userEnd++;
    }
    if (userEnd === i) return undefined; // user = 1*( ... )
    user = pct ? unescapePercent(s.slice(i, userEnd)) : s.slice(i, userEnd);
    if (user === undefined) return undefined;
    if (userEnd < at) {
      if (s.charCodeAt(userEnd) !== 0x3a) return undefined;
      const passEnd = scan(s, userEnd + 1, at, PASS_OK);
      if (passEnd !== at) return undefined;
      password = unescapePercent(s.slice(userEnd + 1, at));
      if (password === undefined) return undefined;
    }
    i = at + 1;
  }
  i = parseHostAt(s, i, end);
  if (i < 0) return undefined;
  const host = hostOut;
  const hostType = hostTypeOut;
  let port: number | undefined;
  if (i < end && s.charCodeAt(i) === 0x3a) {
    i = parsePortAt(s, i + 1, end);
    if (i < 0) return undefined;
    port = portOut;
  }
  const params: Params = new Map();
  if (i < end) {
    i = parseParamsAt(s, i, end, params);
    if (i < 0) return undefined;
  }
  const headers: Array<[string, string]> = [];
  if (i < end) {
    i = parseHeadersAt(s, i, end, headers);
    if (i !== end) return undefined;
  }
  const uri: SipUri = { kind: 'sip', scheme, host, hostType, params, headers };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (port !== undefined) uri.port = port;
  return uri;
}

/**
 * telephone-uri = "tel:" telephone-subscriber (RFC 3966 §3), validated loosely: the number is
 * everything up to the first ";" and may only hold digits, hex digits and `* # + - . ( )`.
 */
function parseTelAt(s: string, start: number, end: number): TelUri | undefined {
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & C_TEL) === 0) break;
    i++;
  }
  if (i === start) return undefined;
  const number = s.slice(start, i);
  const params: Params = new Map();
  i = parseParamsAt(s, i, end, params);
  if (i !== end) return undefined;
  return { kind: 'tel', scheme: 'tel', number, params };
}

/** Whitespace and control characters, which may not appear anywhere in a URI. */
function isSpaceOrControl(c: number): boolean {
  return (
    c <= 0x20 ||
    (c >= 0x7f && c <= 0xa0) ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Index of the ':' ending a valid `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`
 * (RFC 3986 §3.1) at `s[start, end)`, or -1.
 */
function schemeEnd(s: string, start: number, end: number): number {
  if (start >= end || !isAlpha(s.charCodeAt(start))) return -1;
  for (let i = start + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3a) return i;
    if (!(isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) return -1;
  }
  return -1;
}

/**
 * Parses a URI as it appears in a Request-URI or a name-addr / addr-spec: `sip:` and `sips:`
 * (RFC 3261 §19.1, §25.1), `tel:` (RFC 3966), or any other `scheme:opaque` absolute URI. The text
 * must be exactly the URI — no surrounding whitespace, no angle brackets. Returns `undefined` for
 * anything invalid; never throws.
 *
 * SIP URIs: scheme and host are lower-cased; `user`, `password`, parameter names and values and
 * header names and values are unescaped (UTF-8); parameter names are lower-cased.
 *
 * @example
 * parseUri('sip:alice@atlanta.com;transport=tcp');
 * // { kind: 'sip', scheme: 'sip', user: 'alice', host: 'atlanta.com', hostType: 'domain',
 * //   params: Map { 'transport' => 'tcp' }, headers: [] }
 * parseUri('sips:[2001:db8::10]:5061'); // { kind: 'sip', scheme: 'sips', host: '2001:db8::10', hostType: 'ipv6', port: 5061, … }
 * parseUri('tel:+1-201-555-0123'); // { kind: 'tel', scheme: 'tel', number: '+1-201-555-0123', params: Map {} }
 * parseUri('urn:service:sos'); // { kind: 'absolute', scheme: 'urn', opaque: 'service:sos' }
 * parseUri('sip:user@host:99999'); // undefined
 */
export function parseUri(text: string): Uri | undefined {
  if (typeof text !== 'string') return undefined;
  const n = text.length;
  if (text.charCodeAt(0) === 0x73 /* s */) {
    const b = stringBytes(text);
    if (b !== undefined) {
      const uri = scanSipUri(b, text, 0, 0, n, false);
      if (uri !== undefined && scanUriEnd === n) return uri;
    }
  }
  const colon = schemeEnd(text, 0, n);
  if (colon < 0) return undefined;
  const c0 = text.charCodeAt(0) | 0x20;
  const c1 = text.charCodeAt(1) | 0x20;
  const c2 = text.charCodeAt(2) | 0x20;
  if (c0 === 0x73 && c1 === 0x69 && c2 === 0x70) {
    // "sip" / "sips", scheme case-insensitive (RFC 3261 §19.1.4: "SIP:" is "sip:")
    if (colon === 3) return parseSipAt(text, 4, n, 'sip');
    if (colon === 4 && (text.charCodeAt(3) | 0x20) === 0x73) return parseSipAt(text, 5, n, 'sips');
  } else if (colon === 3 && c0 === 0x74 && c1 === 0x65 && c2 === 0x6c) {
    return parseTelAt(text, 4, n);
  }
  if (colon + 1 >= n) return undefined;
  for (let i = colon + 1; i < n; i++) if (isSpaceOrControl(text.charCodeAt(i))) return undefined;
  const uri: AbsoluteUri = {
    kind: 'absolute',
    scheme: lowerAscii(text.slice(0, colon)),
    opaque: text.slice(colon + 1),
  };
  return uri;
}

// ---- fast path: byte scanners ------------------------------------------------------------
// The usual shapes of the fields every message is routed on are read straight from bytes, in
// one pass that both validates and finds the pieces; the message parser hands them its input
// buffer, the string functions a scratch copy of their argument. A scanner mirrors the full
// parser step by step on that subset and gives up (undefined) on anything else — escapes,
// IPv6, passwords, URI headers, whitespace inside — and the full parser then answers. Reading
// bytes from a Buffer costs a fraction of charCodeAt, and no regular expression is run.
//
// Convention: byte `i` of `b` stands for character `i - o` of the string `s` the pieces are
// cut from; every test asks "is it this ASCII byte", which the byte and its character answer
// alike (callers guarantee one byte per character).

/** byte class: user = unreserved / user-unreserved (escapes not taken) */
const B_USER = 1;
/** byte class: paramchar = param-unreserved / unreserved (escapes not taken) */
const B_PARAM = 2;
/** classes of each byte value */
const BYTE_CLASS = new Uint8Array(256);
(function fillByteClasses(): void {
  const mark = (chars: string, flag: number): void => {
    for (let i = 0; i < chars.length; i++) BYTE_CLASS[chars.charCodeAt(i)]! |= flag;
  };
  const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  mark(alnum + "-_.!~*'()&=+$,;?/", B_USER);
  mark(alnum + "-_.!~*'()[]/:&+$", B_PARAM);
})();

const SCRATCH = Buffer.alloc(4096);

/**
 * @internal The characters of `s` as bytes in a scratch buffer (valid until the next call),
 * or undefined unless `s` is short and pure ASCII. One native UTF-8 write does both: it writes
 * as many bytes as characters only when every character is ASCII (and the scratch holds the
 * longest UTF-8 form of any string this short, so nothing is cut).
 */
export function stringBytes(s: string): Buffer | undefined {
  const n = s.length;
  if (n > SCRATCH.length >> 2) return undefined;
  return SCRATCH.write(s, 0) === n ? SCRATCH : undefined;
}

interface KnownParam {
  name: string;
  codes: Uint8Array;
}

/**
 * Common parameter names, by length. Their literals are internalized strings with their hash
 * computed, so using one as a Map key allocates nothing and hashes nothing.
 */
const KNOWN_PARAMS: KnownParam[][] = [];
for (const name of [
  'tag',
  'branch',
  'rport',
  'received',
  'transport',
  'lr',
  'maddr',
  'ttl',
  'user',
  'method',
  'expires',
  'q',
  'ob',
  'comp',
  'refresher',
  'id',
  'reason',
  'duration',
  'boundary',
  'charset',
  'handling',
  'purpose',
]) {
  while (KNOWN_PARAMS.length <= name.length) KNOWN_PARAMS.push([]);
  KNOWN_PARAMS[name.length]!.push({ name, codes: Buffer.from(name, 'latin1') });
}

/** @internal The literal for the parameter name `b[at, at + len)`, or a slice of `s`. */
export function paramName(b: Uint8Array, s: string, o: number, at: number, len: number): string {
  if (len < KNOWN_PARAMS.length) {
    const list = KNOWN_PARAMS[len]!;
    for (let j = 0; j < list.length; j++) {
      const codes = list[j]!.codes;
      let i = 0;
      while (i < len && b[at + i] === codes[i]) i++;
      if (i === len) return list[j]!.name;
    }
  }
  return s.slice(at - o, at - o + len);
}

// What the last scanHostPort / scanSipUri read.
let scanHostEnd = 0;
let scanHostV4 = false;
let scanHostUpper = false;
let scanPort = -1;
let scanUriEnd = 0;

/** isIpv4 on bytes. */
function ipv4At(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (i >= end || b[i] !== 0x2e) return false;
      i++;
    }
    const first = i;
    let v = 0;
    let d: number;
    while (i < end && i - first < 3 && (d = b[i]! - 0x30) >= 0 && d <= 9) {
      v = v * 10 + d;
      i++;
    }
    if (i === first || v > 255) return false;
  }
  return i === end;
}

/**
 * @internal `host [":" port]` at `b[i]` (host name or IPv4; an IPv6 reference gives up), read
 * as parseHostAt and parsePortAt read it. Returns the index after it, or -1; the host is then
 * {@link scannedHost}, the port {@link scannedPort}.
 */
export function scanHostPort(b: Uint8Array, i: number, end: number): number {
  const start = i;
  let digitsAndDots = true;
  let hasUpper = false;
  let labelsOk = true;
  let labelStart = start;
  let prevLabelStart = start;
  while (i < end) {
    const c = b[i]!;
    if (c === 0x2e) {
      if (i === labelStart || b[i - 1] === 0x2d) labelsOk = false;
      prevLabelStart = labelStart;
      labelStart = i + 1;
    } else if (c >= 0x30 && c <= 0x39) {
      // digit
    } else if (c >= 0x61 && c <= 0x7a) {
      digitsAndDots = false;
    } else if (c === 0x2d) {
      digitsAndDots = false;
      if (i === labelStart) labelsOk = false;
    } else if (c >= 0x41 && c <= 0x5a) {
      digitsAndDots = false;
      hasUpper = true;
    } else {
      break;
    }
    i++;
  }
  if (i === start) return -1;
  scanHostEnd = i;
  scanHostUpper = hasUpper;
  if (digitsAndDots && ipv4At(b, start, i)) {
    scanHostV4 = true;
  } else {
    if (!labelsOk) return -1;
    let top: number;
    if (labelStart === i) {
      top = prevLabelStart; // trailing dot
    } else {
      if (b[i - 1] === 0x2d) return -1;
      top = labelStart;
    }
    const t = b[top]! | 0x20;
    if (t < 0x61 || t > 0x7a) return -1;
    scanHostV4 = false;
  }
  scanPort = -1;
  if (i < end && b[i] === 0x3a) {
    const ps = ++i;
    let v = 0;
    let d: number;
    while (i < end && (d = b[i]! - 0x30) >= 0 && d <= 9) {
      v = v * 10 + d;
      if (v > 65535) return -1;
      i++;
    }
    if (i === ps || v === 0) return -1;
    scanPort = v;
  }
  return i;
}

/** @internal The host read by the last {@link scanHostPort} call, which started at `at`. */
export function scannedHost(s: string, o: number, at: number): string {
  const h = s.slice(at - o, scanHostEnd - o);
  return scanHostUpper ? h.toLowerCase() : h;
}

/** @internal The host type read by the last {@link scanHostPort} call. */
export function scannedHostType(): HostType {
  return scanHostV4 ? 'ipv4' : 'domain';
}

/** @internal The port read by the last {@link scanHostPort} call, -1 when absent. */
export function scannedPort(): number {
  return scanPort;
}

/** @internal Where the last {@link scanSipUri} stopped. */
export function scannedUriEnd(): number {
  return scanUriEnd;
}

/**
 * @internal A `sip:` / `sips:` URI at `b[i]`, read as parseSipAt reads it, up to the first
 * byte that cannot continue it ({@link scannedUriEnd}, for the caller to check). `addrSpec`:
 * the URI of a name-addr without angle brackets, which ends at the first ';'.
 */
export function scanSipUri(
  b: Uint8Array,
  s: string,
  o: number,
  i: number,
  end: number,
  addrSpec: boolean,
): SipUri | undefined {
  if (end - i < 5 || b[i] !== 0x73 || b[i + 1] !== 0x69 || b[i + 2] !== 0x70) return undefined;
  let sips = false;
  if (b[i + 3] === 0x3a) {
    i += 4;
  } else if (b[i + 3] === 0x73 && b[i + 4] === 0x3a) {
    sips = true;
    i += 5;
  } else {
    return undefined;
  }
  // userinfo: the user runs to the '@'; without one the host starts here (and an '@' further
  // on stops every scan below, so the caller sees it).
  let user: string | undefined;
  let j = i;
  while (j < end) {
    const c = b[j]!;
    if ((BYTE_CLASS[c]! & B_USER) === 0 || (addrSpec && c === 0x3b)) break;
    j++;
  }
  if (j < end && b[j] === 0x40) {
    if (j === i) return undefined;
    user = s.slice(i - o, j - o);
    i = j + 1;
  }
  const hostAt = i;
  i = scanHostPort(b, i, end);
  if (i < 0) return undefined;
  const host = scannedHost(s, o, hostAt);
  const hostType = scannedHostType();
  const port = scanPort;
  const params: Params = new Map();
  if (!addrSpec) {
    while (i < end && b[i] === 0x3b) {
      const ns = ++i;
      let upper = false;
      let c = 0;
      while (i < end && (BYTE_CLASS[(c = b[i]!)]! & B_PARAM) !== 0) {
        if (c <= 0x5a && c >= 0x41) upper = true;
        i++;
      }
      if (i === ns) return undefined;
      const name = upper ? s.slice(ns - o, i - o).toLowerCase() : paramName(b, s, o, ns, i - ns);
      let value: string | null = null;
      if (i < end && c === 0x3d) {
        const vs = ++i;
        while (i < end && (BYTE_CLASS[b[i]!]! & B_PARAM) !== 0) i++;
        value = s.slice(vs - o, i - o);
      }
      if (params.size === 0 || !params.has(name)) params.set(name, value);
    }
  }
  // '%' escapes, '?' headers and the like stop here: the caller sees an unexpected byte.
  scanUriEnd = i;
  const uri: SipUri = { kind: 'sip', scheme: sips ? 'sips' : 'sip', host, hostType, params, headers: [] };
  if (user !== undefined) uri.user = user;
  if (port >= 0) uri.port = port;
  return uri;
}

// ---------------------------------------------------------------------------------------------
// Serialization
// ---------------------------------------------------------------------------------------------

function serializeParams(params: Params): string {
  let out = '';
  for (const [name, value] of params) {
    out += ';' + escapeMask(name, PARAM_OK);
    if (value !== null) out += '=' + escapeMask(value, PARAM_OK);
  }
  return out;
}

/**
 * Writes a URI in canonical form: lower-case scheme; user, password, parameters and headers
 * with every character not allowed literally in its position escaped as upper-case `%XX` of its
 * UTF-8 bytes; IPv6 host in brackets; `:port` when set; `;name` / `;name=value`; `?h=v&h=v`.
 * `tel:` numbers and absolute URIs are written as stored. For every URI `u` returned by
 * {@link parseUri}, `parseUri(serializeUri(u))` deep-equals `u`.
 *
 * @example
 * serializeUri(parseUri('SIP:Alice@AtLanTa.CoM;Transport=TCP')!); // 'sip:Alice@atlanta.com;transport=TCP'
 * serializeUri({ kind: 'sip', scheme: 'sip', user: 'a b', host: '::1', hostType: 'ipv6',
 *   params: new Map([['lr', null]]), headers: [['subject', 'x&y']] });
 * // 'sip:a%20b@[::1];lr?subject=x%26y'
 */
export function serializeUri(uri: Uri): string {
  switch (uri.kind) {
    case 'sip': {
      let out = uri.scheme + ':';
      if (uri.user !== undefined) {
        out += escapeMask(uri.user, USER_OK);
        if (uri.password !== undefined) out += ':' + escapeMask(uri.password, PASS_OK);
        out += '@';
      }
      out += formatHost(uri.host, uri.hostType);
      if (uri.port !== undefined) out += ':' + uri.port;
      out += serializeParams(uri.params);
      for (let k = 0; k < uri.headers.length; k++) {
        const [name, value] = uri.headers[k]!;
        out += (k === 0 ? '?' : '&') + escapeMask(name, HEADER_OK) + '=' + escapeMask(value, HEADER_OK);
      }
      return out;
    }
    case 'tel':
      return 'tel:' + uri.number + serializeParams(uri.params);
    case 'absolute':
      return uri.scheme + ':' + uri.opaque;
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

function equalsIgnoreCase(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

function paramValueEquals(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return equalsIgnoreCase(a, b);
}

/** Hosts per §19.1.4, with IPv6 references compared by address value (RFC 5954). */
function hostEquals(a: SipUri, b: SipUri): boolean {
  // "An IP address that is the result of a DNS lookup of a host name does not match that host
  // name." — a hostname never equals an IP literal.
  if (a.hostType !== b.hostType) return false;
  if (equalsIgnoreCase(a.host, b.host)) return true;
  if (a.hostType !== 'ipv6') return false;
  const ga: number[] = [];
  const gb: number[] = [];
  if (!isIpv6(a.host, 0, a.host.length, ga) || !isIpv6(b.host, 0, b.host.length, gb)) return false;
  for (let k = 0; k < 8; k++) if (ga[k] !== gb[k]) return false;
  return true;
}

/**
 * "A user, ttl, or method uri-parameter appearing in only one URI never matches, even if it
 * contains the default value. A URI that includes an maddr parameter will not match a URI that
 * contains no maddr parameter." — and, by the default-value rule, transport too.
 */
const MUST_MATCH_PARAMS: ReadonlySet<string> = new Set(['user', 'ttl', 'method', 'maddr', 'transport']);

function sipParamsEqual(a: Params, b: Params): boolean {
  for (const [name, va] of a) {
    const vb = b.get(name);
    if (vb === undefined) {
      // "All other uri-parameters appearing in only one URI are ignored when comparing the URIs."
      if (MUST_MATCH_PARAMS.has(name)) return false;
      continue;
    }
    // "Any uri-parameter appearing in both URIs must match."
    if (!paramValueEquals(va, vb)) return false;
  }
  for (const name of MUST_MATCH_PARAMS) if (b.has(name) && !a.has(name)) return false;
  return true;
}

function headerKey(h: readonly [string, string]): [string, string] {
  return [h[0].toLowerCase(), h[1].toLowerCase()];
}

function compareKeys(x: [string, string], y: [string, string]): number {
  if (x[0] !== y[0]) return x[0] < y[0] ? -1 : 1;
  if (x[1] !== y[1]) return x[1] < y[1] ? -1 : 1;
  return 0;
}

/**
 * "URI header components are never ignored. Any present header component MUST be present in
 * both URIs and match for the URIs to match." Compared as multisets: order is not significant;
 * names and values compared case-insensitively ("Comparison of all other components of the URI
 * is case-insensitive unless explicitly defined otherwise").
 */
function headersEqual(a: Array<[string, string]>, b: Array<[string, string]>): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 0) return true;
  const ka = a.map(headerKey).sort(compareKeys);
  const kb = b.map(headerKey).sort(compareKeys);
  for (let k = 0; k < ka.length; k++) if (compareKeys(ka[k]!, kb[k]!) !== 0) return false;
  return true;
}

function sipEquals(a: SipUri, b: SipUri): boolean {
  // "A SIP and SIPS URI are never equivalent."
  if (a.scheme !== b.scheme) return false;
  // "Comparison of the userinfo of SIP and SIPS URIs is case-sensitive." / "A URI omitting the
  // user component will not match a URI that includes one. A URI omitting the password component
  // will not match a URI that includes one." Both are held unescaped, so "%61lice" is "alice".
  if (a.user !== b.user || a.password !== b.password) return false;
  if (!hostEquals(a, b)) return false;
  // "a URI omitting the optional port component will not match a URI explicitly declaring port
  // 5060."
  if (a.port !== b.port) return false;
  return sipParamsEqual(a.params, b.params) && headersEqual(a.headers, b.headers);
}

/** Removes RFC 3966 visual separators `- . ( )`. */
function stripVisual(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x2d && c !== 0x2e && c !== 0x28 && c !== 0x29) out += s[i]!;
  }
  return out;
}

function telParamValue(name: string, v: string | null): string | null {
  if (v === null) return null;
  if (name === 'ext' || (name === 'phone-context' && v.startsWith('+'))) return stripVisual(v).toLowerCase();
  return v.toLowerCase();
}

/**
 * RFC 3966 §4: both global or both local; digits equal after removing visual separators;
 * "Parameters are compared according to 'pname', regardless of the order they appeared in the
 * URI. If one URI has a parameter name not found in the other, the two URIs are not equal.";
 * "URI comparisons are case-insensitive."
 */
function telEquals(a: TelUri, b: TelUri): boolean {
  if (stripVisual(a.number).toLowerCase() !== stripVisual(b.number).toLowerCase()) return false;
  if (a.params.size !== b.params.size) return false;
  for (const [name, va] of a.params) {
    if (!b.params.has(name)) return false;
    if (telParamValue(name, va) !== telParamValue(name, b.params.get(name) ?? null)) return false;
  }
  return true;
}

/**
 * URI equality. SIP/SIPS follow RFC 3261 §19.1.4: sip never equals sips; user and password are
 * compared case-sensitively after unescaping; host case-insensitively, a host name never equals
 * an IP address, and IPv6 references compare by address value; an omitted port differs from an
 * explicit one (even 5060); a parameter in both must match case-insensitively, `user`, `ttl`,
 * `method`, `maddr` and `transport` must match when present in either, other one-sided
 * parameters are ignored; headers must be present in both and match; order is irrelevant.
 * `tel:` follows RFC 3966 §4. Other URIs: same scheme and identical opaque part.
 *
 * @example
 * uriEquals(parseUri('sip:%61lice@atlanta.com;transport=TCP')!, parseUri('sip:alice@AtLanTa.CoM;Transport=tcp')!); // true
 * uriEquals(parseUri('sip:bob@biloxi.com')!, parseUri('sip:bob@biloxi.com:5060')!); // false
 * uriEquals(parseUri('tel:+1-201-555-0123')!, parseUri('tel:+1.201.555.0123')!); // true
 */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'sip':
      return b.kind === 'sip' && sipEquals(a, b);
    case 'tel':
      return b.kind === 'tel' && telEquals(a, b);
    case 'absolute':
      return b.kind === 'absolute' && equalsIgnoreCase(a.scheme, b.scheme) && a.opaque === b.opaque;
  }
}
