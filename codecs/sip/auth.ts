/**
 * Authentication header values and HTTP Digest computation for SIP.
 *
 * - {@link parseAuthValue} / {@link serializeAuthValue}: the value of WWW-Authenticate,
 *   Proxy-Authenticate, Authorization and Proxy-Authorization (RFC 3261 §25.1 challenge /
 *   credentials, RFC 2617 §3.2, RFC 7616 §3.3-3.4, RFC 7235 §2.1 token68).
 * - {@link digestResponse}, {@link computeHA1}, {@link userhashValue}: the Digest `response`
 *   (RFC 2617 §3.2.2, RFC 7616 §3.4, RFC 8760 for SIP's SHA-256 / SHA-512-256).
 *
 * Pure: no I/O; node:crypto is used only for hashing.
 */
import { createHash } from 'node:crypto';
import type { AuthValue } from './types';

// ---------------------------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------------------------

/** tchar of RFC 7230 §3.2.6; a superset of RFC 3261's token characters. */
function isTchar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || // 0-9
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    c === 0x21 || // !
    c === 0x23 || // #
    c === 0x24 || // $
    c === 0x25 || // %
    c === 0x26 || // &
    c === 0x27 || // '
    c === 0x2a || // *
    c === 0x2b || // +
    c === 0x2d || // -
    c === 0x2e || // .
    c === 0x5e || // ^
    c === 0x5f || // _
    c === 0x60 || // `
    c === 0x7c || // |
    c === 0x7e // ~
  );
}

/** Whitespace between elements: SP, HTAB, and CR / LF in case folding was not undone. */
function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * A character of an unquoted auth-param value. Stricter grammars say `token`, but real user
 * agents send unquoted base64 nonces (`/`, `=`) and the like, so anything visible except the
 * delimiters `"`, `,` and `\` is accepted.
 */
function isBareValueChar(c: number): boolean {
  return c > 0x20 && c !== 0x7f && c !== 0x22 && c !== 0x2c && c !== 0x5c;
}

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTchar(s.charCodeAt(i))) return false;
  return true;
}

/** token68 of RFC 7235 §2.1. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

// ---------------------------------------------------------------------------------------------
// Parsing and serializing
// ---------------------------------------------------------------------------------------------

/**
 * Parses a WWW-Authenticate, Proxy-Authenticate, Authorization or Proxy-Authorization header
 * value: an auth scheme, then either comma-separated auth-params (`name=token` or
 * `name="quoted-string"`) or a single token68 (RFC 7235 §2.1), or nothing at all.
 *
 * - Parameter names are lower-cased; values are unquoted, with quoted-pairs (`\"`, `\\`)
 *   unescaped. A token68 is stored under the key `''`.
 * - Whitespace (SP, HTAB, and CR/LF from unfolded lines) is tolerated around `=` and `,`, and
 *   empty list elements (`a="1",,b="2"`) are skipped (RFC 7230 §7).
 * - Unquoted values may hold any visible character but `"`, `,` and `\` (so unquoted base64
 *   nonces are read), not only token characters.
 *
 * Never throws.
 *
 * @param text The header value, without the header name, folding already unfolded.
 * @returns The scheme and its parameters, or `undefined` if `text` is malformed: no scheme, an
 *   unterminated quoted string, a parameter without a name or value, a missing comma, or a
 *   parameter named twice (RFC 7616 §3.3: no directive may appear more than once).
 *
 * @example
 * ```ts
 * const v = parseAuthValue('Digest realm="atlanta.com", nonce="84a4cc6f", qop="auth", algorithm=MD5');
 * // v?.scheme === 'Digest'
 * // v?.params.get('realm') === 'atlanta.com'
 * // v?.params.get('algorithm') === 'MD5'
 * parseAuthValue('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')?.params.get(''); // 'QWxhZGRpbjpvcGVuIHNlc2FtZQ=='
 * parseAuthValue('Digest realm="unterminated'); // undefined
 * ```
 */
export function parseAuthValue(text: string): AuthValue | undefined {
  const s = text;
  const n = s.length;
  let i = skipWs(s, 0);

  const schemeStart = i;
  while (i < n && isTchar(s.charCodeAt(i))) i++;
  if (i === schemeStart) return undefined;
  const scheme = s.slice(schemeStart, i);
  const params = new Map<string, string>();
  if (i < n && !isWs(s.charCodeAt(i))) return undefined;
  i = skipWs(s, i);
  if (i === n) return { scheme, params };

  // token68: the whole rest, bar trailing whitespace.
  let end = n;
  while (end > i && isWs(s.charCodeAt(end - 1))) end--;
  const rest = s.slice(i, end);
  if (TOKEN68.test(rest)) {
    params.set('', rest);
    return { scheme, params };
  }

  while (i < n) {
    if (s.charCodeAt(i) === 0x2c /* , */) {
      i = skipWs(s, i + 1);
      continue;
    }

    const nameStart = i;
    while (i < n && isTchar(s.charCodeAt(i))) i++;
    if (i === nameStart) return undefined;
    const name = s.slice(nameStart, i).toLowerCase();
    i = skipWs(s, i);
    if (i >= n || s.charCodeAt(i) !== 0x3d /* = */) return undefined;
    i = skipWs(s, i + 1);
    if (i >= n) return undefined;

    let value: string;
    if (s.charCodeAt(i) === 0x22 /* " */) {
      i++;
      let out = '';
      let segment = i;
      for (;;) {
        if (i >= n) return undefined;
        const c = s.charCodeAt(i);
        if (c === 0x22) {
          out += s.slice(segment, i);
          i++;
          break;
        }
        if (c === 0x5c /* \ */) {
          if (i + 1 >= n) return undefined;
          out += s.slice(segment, i) + s.charAt(i + 1);
          i += 2;
          segment = i;
          continue;
        }
        i++;
      }
      value = out;
    } else {
      const valueStart = i;
      while (i < n && isBareValueChar(s.charCodeAt(i))) i++;
      if (i === valueStart) return undefined;
      value = s.slice(valueStart, i);
    }

    if (params.has(name)) return undefined;
    params.set(name, value);

    i = skipWs(s, i);
    if (i < n) {
      if (s.charCodeAt(i) !== 0x2c) return undefined;
      i = skipWs(s, i + 1);
    }
  }
  return { scheme, params };
}

/** Digest parameters written as bare tokens (RFC 7616 §3.3, §3.4; RFC 2617 §3.2.1-3.2.2). */
const DIGEST_TOKEN_PARAMS = new Set(['algorithm', 'stale', 'nc', 'charset', 'userhash']);

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Serializes an auth value in canonical form: `Scheme name="value", name=token, …`, params in
 * map order, separated by `", "`.
 *
 * For the `Digest` scheme (case-insensitive), `algorithm`, `stale`, `nc`, `charset` and
 * `userhash` are written as bare tokens, and so is `qop` in credentials (a value holding a
 * `response` param); in a challenge `qop` is a quoted list (RFC 7616 §3.3, §3.4; RFC 2617
 * §3.2.1-3.2.2). Every other param, and every param of another scheme, is a quoted string with
 * `"` and `\` escaped. A "token" param whose value is not a token is quoted too, so nothing is
 * lost. A lone `''` param is written as a token68 (`Basic QWxh…`); no params gives the bare
 * scheme.
 *
 * `parseAuthValue(serializeAuthValue(v))` deep-equals `v` when `v`'s param names are lower-case.
 *
 * @throws RangeError if the scheme or a param name is not a token, a value holds CR or LF
 *   (header injection), or a `''` (token68) param is not alone or not a valid token68.
 *
 * @example
 * ```ts
 * serializeAuthValue({
 *   scheme: 'Digest',
 *   params: new Map([['realm', 'atlanta.com'], ['nonce', 'ea9c8e88'], ['algorithm', 'MD5']]),
 * });
 * // 'Digest realm="atlanta.com", nonce="ea9c8e88", algorithm=MD5'
 * ```
 */
export function serializeAuthValue(v: AuthValue): string {
  if (!isToken(v.scheme)) throw new RangeError(`auth scheme is not a token: ${JSON.stringify(v.scheme)}`);
  if (v.params.size === 0) return v.scheme;

  const token68 = v.params.get('');
  if (token68 !== undefined) {
    if (v.params.size !== 1)
      throw new RangeError('a token68 (the "" param) cannot be mixed with auth-params');
    if (!TOKEN68.test(token68)) throw new RangeError(`not a token68: ${JSON.stringify(token68)}`);
    return `${v.scheme} ${token68}`;
  }

  const digest = v.scheme.toLowerCase() === 'digest';
  const credentials = v.params.has('response');
  const out: string[] = [];
  for (const [name, value] of v.params) {
    if (!isToken(name)) throw new RangeError(`auth-param name is not a token: ${JSON.stringify(name)}`);
    if (/[\r\n]/.test(value)) throw new RangeError(`auth-param ${name} holds CR or LF`);
    const lower = name.toLowerCase();
    const bare = digest && (DIGEST_TOKEN_PARAMS.has(lower) || (credentials && lower === 'qop'));
    out.push(`${name}=${bare && isToken(value) ? value : quote(value)}`);
  }
  return `${v.scheme} ${out.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// Digest computation
// ---------------------------------------------------------------------------------------------

/**
 * A Digest `algorithm` (RFC 7616 §6.1 registry; RFC 8760 for SIP). `-sess` variants fold the
 * server nonce and client nonce into HA1.
 *
 * @example
 * ```ts
 * const alg: DigestAlgorithm = 'SHA-256';
 * ```
 */
export type DigestAlgorithm =
  'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' | 'SHA-512-256' | 'SHA-512-256-sess';

const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
];

/**
 * Maps an `algorithm` param value to a {@link DigestAlgorithm}, case-insensitively (algorithm
 * names are tokens compared without regard to case). A missing `algorithm` means `MD5`
 * (RFC 2617 §3.2.1); that default is the caller's to apply.
 *
 * @returns The canonical spelling, or `undefined` for an unsupported algorithm (e.g. `AKAv1-MD5`).
 *
 * @example
 * ```ts
 * parseDigestAlgorithm('sha-256'); // 'SHA-256'
 * parseDigestAlgorithm('AKAv1-MD5'); // undefined
 * ```
 */
export function parseDigestAlgorithm(text: string): DigestAlgorithm | undefined {
  const lower = text.trim().toLowerCase();
  return DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === lower);
}

function nodeHashName(algorithm: DigestAlgorithm): string {
  switch (algorithm) {
    case 'MD5':
    case 'MD5-sess':
      return 'md5';
    case 'SHA-256':
    case 'SHA-256-sess':
      return 'sha256';
    case 'SHA-512-256':
    case 'SHA-512-256-sess':
      // FIPS 180-4 SHA-512/256 (its own initial hash value), not truncated SHA-512.
      return 'sha512-256';
  }
}

function isSess(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

/** H(data), lower-case hex; strings are hashed as UTF-8. */
function hash(algorithm: DigestAlgorithm, data: string | Buffer): string {
  const h = createHash(nodeHashName(algorithm));
  if (typeof data === 'string') h.update(data, 'utf8');
  else h.update(data);
  return h.digest('hex');
}

/**
 * Inputs of {@link computeHA1}.
 *
 * @example
 * ```ts
 * const o: HA1Options = { algorithm: 'MD5', username: 'bob', realm: 'biloxi.com', password: 'zanzibar' };
 * ```
 */
export interface HA1Options {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  /** Server nonce; required by `-sess` algorithms. */
  nonce?: string;
  /** Client nonce; required by `-sess` algorithms. */
  cnonce?: string;
}

/**
 * HA1 = H(A1), lower-case hex (RFC 2617 §3.2.2.2, RFC 7616 §3.4.2):
 * `A1 = username ":" realm ":" password`, or for `-sess` algorithms
 * `A1 = H(username ":" realm ":" password) ":" nonce ":" cnonce`. Strings are hashed as UTF-8.
 * A registrar can store HA1 instead of the password.
 *
 * @throws RangeError for a `-sess` algorithm without `nonce` and `cnonce`.
 *
 * @example
 * ```ts
 * computeHA1({ algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life' });
 * // '939e7578ed9e3c518a452acee763bce9'
 * ```
 */
export function computeHA1(opts: HA1Options): string {
  const { algorithm, username, realm, password } = opts;
  const inner = hash(algorithm, `${username}:${realm}:${password}`);
  if (!isSess(algorithm)) return inner;
  if (opts.nonce === undefined || opts.cnonce === undefined) {
    throw new RangeError(`${algorithm} needs nonce and cnonce`);
  }
  return hash(algorithm, `${inner}:${opts.nonce}:${opts.cnonce}`);
}

/**
 * Inputs of {@link digestResponse}.
 *
 * @example
 * ```ts
 * const o: DigestResponseOptions = {
 *   algorithm: 'SHA-256', username: 'bob', realm: 'biloxi.com', password: 'zanzibar',
 *   method: 'REGISTER', uri: 'sip:biloxi.com', nonce: 'dcd98b71', cnonce: '0a4f113b', nc: '00000001', qop: 'auth',
 * };
 * ```
 */
export interface DigestResponseOptions extends HA1Options {
  /** Request method, e.g. `INVITE` (for SIP, the CSeq method). */
  method: string;
  /** The `uri` param exactly as sent (for SIP, the Request-URI). */
  uri: string;
  nonce: string;
  /** Client nonce; required with `qop` and with `-sess` algorithms. */
  cnonce?: string;
  /** Nonce count, 8 hex digits; required with `qop`. */
  nc?: string;
  /** Omitted: the RFC 2069-compatible computation without cnonce / nc. */
  qop?: 'auth' | 'auth-int';
  /** Message body for `auth-int`; absent means empty. Strings are hashed as UTF-8. */
  body?: Buffer | string;
  /**
   * Whether the `username` param will be sent hashed (RFC 7616 §3.4.4). It does not change the
   * response: the client hashes the username "after any other hash calculation that includes the
   * username", so A1 always uses the plain `username`. Send {@link userhashValue} as the
   * `username` param yourself.
   */
  userhash?: boolean;
}

/**
 * The Digest `response` param, lower-case hex (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1):
 *
 * - with `qop`: `H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)`
 * - without (RFC 2069 compatible): `H(HA1 ":" nonce ":" HA2)`
 *
 * where `HA2 = H(method ":" uri)`, or for `auth-int` `H(method ":" uri ":" H(body))`. HA1 is
 * {@link computeHA1}. Strings are hashed as UTF-8 (RFC 7616 `charset=UTF-8`; SIP is UTF-8).
 *
 * @throws RangeError if `qop` is given without `cnonce` or without an 8-hex-digit `nc`, or a
 *   `-sess` algorithm has no `cnonce`.
 *
 * @example
 * ```ts
 * // RFC 2617 §3.5
 * digestResponse({
 *   algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life',
 *   method: 'GET', uri: '/dir/index.html', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
 *   cnonce: '0a4f113b', nc: '00000001', qop: 'auth',
 * });
 * // '6629fae49393a05397450978507c4ef1'
 * ```
 */
export function digestResponse(opts: DigestResponseOptions): string {
  const { algorithm, method, uri, nonce, cnonce, nc, qop } = opts;
  if (qop !== undefined) {
    if (cnonce === undefined) throw new RangeError('qop needs cnonce');
    if (nc === undefined || !/^[0-9a-fA-F]{8}$/.test(nc))
      throw new RangeError('qop needs nc of 8 hex digits');
  }
  const ha1 = computeHA1(opts);
  const ha2 =
    qop === 'auth-int'
      ? hash(algorithm, `${method}:${uri}:${hash(algorithm, opts.body ?? Buffer.alloc(0))}`)
      : hash(algorithm, `${method}:${uri}`);
  if (qop === undefined) return hash(algorithm, `${ha1}:${nonce}:${ha2}`);
  return hash(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
}

/**
 * The hashed username of RFC 7616 §3.4.4, sent as the `username` param with `userhash=true`:
 * `H(username ":" realm)`, lower-case hex, hashed as UTF-8 with the algorithm's hash function
 * (`-sess` does not matter here).
 *
 * @example
 * ```ts
 * userhashValue('Mufasa', 'http-auth@example.org', 'SHA-256'); // 64 hex digits
 * ```
 */
export function userhashValue(username: string, realm: string, algorithm: DigestAlgorithm): string {
  return hash(algorithm, `${username}:${realm}`);
}
