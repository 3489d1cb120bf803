/**
 * Shared lexical pieces of the RFC 3261 §25 grammar: tokens, quoted strings, generic
 * parameters, comma lists. Every function is total: bad input gives `undefined`, never a throw.
 */
import type { Params } from './types';

const TOKEN = new Uint8Array(128);
// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-.!%*_+`'~]/.test(ch)) TOKEN[c] = 1;
}

/** True when `c` (a char code) is a §25.1 token character. */
export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

/** True when every character of a non-empty `s` is a token character. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** True for SP and HTAB. */
export function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** Index of the first non-whitespace character at or after `i`. */
export function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Index just past the closing quote of the quoted-string starting at `s[i] === '"'`, or -1 when
 * it is not closed. quoted-pair (`\` CHAR) is honoured.
 */
export function endOfQuoted(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 92 /* \ */) j++;
    else if (c === 34 /* " */) return j + 1;
  }
  return -1;
}

/** Removes the quotes of a quoted-string and resolves quoted-pairs. Unquoted input is returned as is. */
export function unquote(s: string): string {
  if (s.length < 2 || s.charCodeAt(0) !== 34 || s.charCodeAt(s.length - 1) !== 34) return s;
  const inner = s.slice(1, -1);
  return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\(.)/g, '$1');
}

/** Wraps `s` in quotes, escaping `"` and `\` (§25.1 quoted-pair). */
export function quote(s: string): string {
  return '"' + s.replace(/(["\\])/g, '\\$1') + '"';
}

/**
 * Splits a header value on commas that separate list elements: commas inside quotes or `<…>`
 * do not split (§7.3.1). Elements are trimmed; empty elements are dropped.
 *
 * @example
 * splitList('"Doe, J" <sip:j@x>, <sip:k@y;a=1,2>') // ['"Doe, J" <sip:j@x>', '<sip:k@y;a=1,2>']
 */
export function splitList(value: string): string[] {
  if (value.indexOf(',') < 0) {
    const t = value.trim();
    return t.length ? [t] : [];
  }
  const out: string[] = [];
  let start = 0;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) {
      const e = endOfQuoted(value, i);
      if (e < 0) break;
      i = e - 1;
    } else if (c === 60 /* < */) inAngle = true;
    else if (c === 62 /* > */) inAngle = false;
    else if (c === 44 /* , */ && !inAngle) {
      const t = value.slice(start, i).trim();
      if (t.length) out.push(t);
      start = i + 1;
    }
  }
  const t = value.slice(start).trim();
  if (t.length) out.push(t);
  return out;
}

/**
 * Parses generic parameters `*( SEMI generic-param )` starting at `s[i]` (which must be `;` or
 * the end). Stops at `stop` characters outside quotes (default: none, i.e. the end of `s`).
 * Returns the parameters and the index where parsing stopped, or `undefined` when malformed.
 */
export function parseParams(
  s: string,
  i: number,
  stopAtComma = false,
): { params: Params; end: number } | undefined {
  const params: Params = new Map();
  const end = parseParamsInto(s, i, s.length, params, stopAtComma);
  return end < 0 ? undefined : { params, end };
}

/**
 * @internal The loop of {@link parseParams} over `s[i, n)`, filling `params`: the index where
 * parsing stopped, or -1 when malformed. Names are lower-cased only when they hold an upper-case
 * letter; a repeated name keeps the last value.
 */
export function parseParamsInto(
  s: string,
  i: number,
  n: number,
  params: Params,
  stopAtComma: boolean,
): number {
  let c: number;
  while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
  while (i < n) {
    c = s.charCodeAt(i);
    if (c !== 59 /* ; */) {
      if (c === 44 && stopAtComma) break;
      return -1;
    }
    i++;
    while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
    const nameStart = i;
    let upper = false;
    while (i < n) {
      c = s.charCodeAt(i);
      if (c >= 128 || TOKEN[c] !== 1) break;
      if (c <= 90 && c >= 65) upper = true;
      i++;
    }
    if (i === nameStart) return -1;
    const name = upper ? s.slice(nameStart, i).toLowerCase() : s.slice(nameStart, i);
    while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
    let value: string | null = null;
    if (i < n && c === 61 /* = */) {
      i++;
      while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
      if (i < n && c === 34) {
        const e = endOfQuoted(s, i);
        if (e < 0) return -1;
        value = s.slice(i, e);
        i = e;
      } else {
        const vs = i;
        // gen-value = token / host / quoted-string; host may be an IPv6 reference.
        while (i < n) {
          c = s.charCodeAt(i);
          if (c < 128 && (TOKEN[c] === 1 || c === 58 /* : */ || c === 91 /* [ */ || c === 93) /* ] */) i++;
          else break;
        }
        if (i === vs) return -1;
        value = s.slice(vs, i);
      }
      while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
    }
    params.set(name, value);
  }
  return i;
}

/** Serializes parameters as `;name=value;flag`. */
export function serializeParams(params: Params): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? ';' + k : ';' + k + '=' + v;
  return out;
}

/** A parameter value without its quotes, or undefined when absent or a flag. */
export function paramValue(params: Params, name: string): string | undefined {
  const v = params.get(name);
  return v === null || v === undefined ? undefined : unquote(v);
}

/**
 * Canonical (lower-case, long-form) header names, including every compact form in use
 * (RFC 3261 §7.3.3 and later RFCs' registrations).
 */
const COMPACT: Record<string, string> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/** Long form to compact letter, for serializers that want compact output. */
export const COMPACT_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(COMPACT).map(([k, v]) => [v, k]),
);

/**
 * Display capitalisation for well-known headers, used when a header is built from the API.
 * Unknown names are capitalised word by word.
 */
const DISPLAY: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rack: 'RAck',
  rseq: 'RSeq',
  'min-se': 'Min-SE',
  'p-asserted-identity': 'P-Asserted-Identity',
};

const canonicalCache = new Map<string, string>();

/**
 * The internalized copy of `s` (V8 keeps property names internalized): comparing header keys
 * that all are is a pointer comparison, which the `key ===` scans over header fields rely on.
 */
function intern(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/**
 * The canonical lower-case long-form name of a header name as written.
 *
 * @example
 * canonicalHeaderName('v') // 'via'
 * canonicalHeaderName('Call-Id') // 'call-id'
 */
export function canonicalHeaderName(name: string): string {
  const hit = canonicalCache.get(name);
  if (hit !== undefined) return hit;
  const lower = name.toLowerCase();
  const canon = lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
  if (canonicalCache.size < 1024) {
    const interned = intern(canon);
    canonicalCache.set(name, interned);
    return interned;
  }
  return canon;
}

/**
 * The conventional spelling of a canonical header name, e.g. `call-id` -> `Call-ID`.
 */
export function displayHeaderName(canonical: string): string {
  const known = DISPLAY[canonical];
  if (known !== undefined) return known;
  return canonical.replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/**
 * Headers whose values form comma-separated lists (§7.3.1): several lines may be merged into one,
 * and one line may hold several values. Authorization-family headers are not lists.
 */
export const LIST_HEADERS: ReadonlySet<string> = new Set([
  'via',
  'contact',
  'route',
  'record-route',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'content-language',
  'alert-info',
  'call-info',
  'error-info',
  'in-reply-to',
  'warning',
  'allow-events',
  'path',
  'service-route',
  'p-asserted-identity',
  'accept-contact',
  'reject-contact',
]);
