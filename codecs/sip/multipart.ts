/**
 * MIME multipart bodies (RFC 2046 §5.1) as SIP carries them (RFC 3261 §7.4, RFC 5621): SDP
 * plus ISUP, SDP alternatives, resource lists, and so on.
 *
 * Pure: no I/O; node:crypto is used only for random boundaries.
 */
import { randomBytes } from 'node:crypto';

/**
 * One body part: its header fields (names as written, values trimmed and unfolded, in order)
 * and its body. A part whose own Content-Type is multipart is returned as is; recurse with
 * {@link splitMultipart} if you need to.
 *
 * @example
 * ```ts
 * const part: MultipartPart = { headers: [['Content-Type', 'application/sdp']], body: Buffer.from('v=0\r\n') };
 * ```
 */
export interface MultipartPart {
  headers: Array<[string, string]>;
  body: Buffer;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const DASH = 0x2d;

/** bchars of RFC 2046 §5.1.1, plus space (allowed anywhere but last). */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** tchar of RFC 7230 §3.2.6 (a superset of RFC 2045's token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Reads the lower-cased `type/subtype` and the `boundary` param of a Content-Type value.
 * Returns undefined when the value is malformed.
 */
function readContentType(contentType: string): { type: string; boundary: string | undefined } | undefined {
  const s = contentType;
  const n = s.length;
  let i = 0;
  const skipWs = (): void => {
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  skipWs();
  const typeStart = i;
  while (i < n && s[i] !== ';') i++;
  const type = s.slice(typeStart, i).trim().toLowerCase();
  if (!/^[^\s/]+\/[^\s/]+$/.test(type)) return undefined;

  let boundary: string | undefined;
  while (i < n) {
    i++; // the ';'
    skipWs();
    if (i >= n) break;
    const nameStart = i;
    while (i < n && s[i] !== '=' && s[i] !== ';') i++;
    const name = s.slice(nameStart, i).trim().toLowerCase();
    if (i >= n || s[i] === ';') {
      if (name === '') continue; // empty element
      return undefined; // a param without a value
    }
    i++; // the '='
    skipWs();
    let value: string;
    if (s[i] === '"') {
      i++;
      value = '';
      for (;;) {
        if (i >= n) return undefined;
        const c = s[i];
        if (c === '"') {
          i++;
          break;
        }
        if (c === '\\') {
          if (i + 1 >= n) return undefined;
          value += s.charAt(i + 1);
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      skipWs();
      if (i < n && s[i] !== ';') return undefined;
    } else {
      const valueStart = i;
      while (i < n && s[i] !== ';') i++;
      value = s.slice(valueStart, i).trim();
    }
    if (name === 'boundary') {
      if (boundary !== undefined) return undefined; // named twice: ambiguous
      boundary = value;
    }
  }
  return { type, boundary };
}

/**
 * Where the line at `pos` (just after `--boundary`) makes a delimiter line: returns the offset
 * after the line break for a delimiter, `'close'` for a close delimiter, or `-1` if this is not
 * a delimiter at all (e.g. `--boundaryX`).
 */
function delimiterEnd(body: Buffer, pos: number): number | 'close' {
  if (body[pos] === DASH && body[pos + 1] === DASH) return 'close';
  let i = pos;
  while (body[i] === SP || body[i] === HTAB) i++; // transport padding
  if (body[i] === LF) return i + 1;
  if (body[i] === CR && body[i + 1] === LF) return i + 2;
  return -1;
}

/**
 * Finds the next `--boundary` at the start of a line (offset 0 or just after LF), at or after
 * `from`, that is a delimiter or close delimiter.
 */
function findDelimiter(
  body: Buffer,
  dashBoundary: Buffer,
  from: number,
): { at: number; next: number | 'close' } | undefined {
  let at = body.indexOf(dashBoundary, from);
  while (at !== -1) {
    if (at === 0 || body[at - 1] === LF) {
      const next = delimiterEnd(body, at + dashBoundary.length);
      if (next !== -1) return { at, next };
    }
    at = body.indexOf(dashBoundary, at + 1);
  }
  return undefined;
}

/** Parses one part's content into headers and body; undefined when the headers are broken. */
function readPart(body: Buffer, start: number, end: number): MultipartPart | undefined {
  const headers: Array<[string, string]> = [];
  let i = start;
  while (i < end) {
    let lineEnd = body.indexOf(LF, i);
    if (lineEnd === -1 || lineEnd >= end) lineEnd = end;
    const next = lineEnd < end ? lineEnd + 1 : end;
    const textEnd = lineEnd > i && body[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    if (textEnd === i && lineEnd < end) {
      // The blank line: the rest is the body.
      return { headers, body: body.subarray(next, end) };
    }
    const line = body.toString('utf8', i, textEnd);
    const first = line.charCodeAt(0);
    if (first === SP || first === HTAB) {
      const last = headers[headers.length - 1];
      if (last === undefined) return undefined; // continuation of nothing
      const more = line.trim();
      if (more !== '') last[1] = last[1] === '' ? more : `${last[1]} ${more}`;
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0) return undefined;
      const name = line.slice(0, colon).trimEnd();
      if (!TOKEN.test(name)) return undefined;
      headers.push([name, line.slice(colon + 1).trim()]);
    }
    i = next;
  }
  // Headers and no body (no blank line): RFC 2046 body-part := MIME-part-headers [CRLF *OCTET].
  return { headers, body: body.subarray(end, end) };
}

/**
 * Splits a multipart body (RFC 2046 §5.1: multipart/mixed, /alternative, /related, any
 * `multipart/*`) into its parts.
 *
 * - The boundary comes from the `boundary` parameter of `contentType`, quoted or not.
 * - Delimiters are `--boundary` lines; the line break before a delimiter belongs to it, so a
 *   part's body excludes it. Transport padding (SP / HTAB) after the boundary is allowed.
 * - The preamble (before the first delimiter) and the epilogue (after `--boundary--`) are ignored.
 * - Each part: header lines (`name: value`, folded lines unfolded with a single space), a blank
 *   line, then the body as a zero-copy `subarray` of `body`.
 * - Bare LF line endings are accepted as well as CRLF.
 *
 * Never throws.
 *
 * @param body The message body.
 * @param contentType The Content-Type header value, e.g. `multipart/mixed;boundary=unique-boundary-1`.
 * @returns The parts in order, or `undefined` if the type is not multipart, there is no
 *   boundary, no part, no close delimiter, or a part's headers are malformed.
 *
 * @example
 * ```ts
 * const body = Buffer.from(
 *   '--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n' +
 *   '--b1\r\nContent-Type: application/isup\r\n\r\n\x01\x02\r\n--b1--\r\n',
 *   'latin1',
 * );
 * const parts = splitMultipart(body, 'multipart/mixed;boundary=b1');
 * // parts?.[0]?.headers -> [['Content-Type', 'application/sdp']]
 * // parts?.[0]?.body.toString() -> 'v=0\r\n'
 * ```
 */
export function splitMultipart(body: Buffer, contentType: string): MultipartPart[] | undefined {
  const ct = readContentType(contentType);
  if (ct === undefined || !ct.type.startsWith('multipart/')) return undefined;
  if (ct.boundary === undefined || ct.boundary === '' || /[\r\n]/.test(ct.boundary)) return undefined;
  const dashBoundary = Buffer.from(`--${ct.boundary}`, 'utf8');

  const first = findDelimiter(body, dashBoundary, 0);
  if (first === undefined || first.next === 'close') return undefined;

  const parts: MultipartPart[] = [];
  let start = first.next;
  for (;;) {
    const d = findDelimiter(body, dashBoundary, start);
    if (d === undefined) return undefined; // no close delimiter
    // The line break before the delimiter belongs to it. When the delimiter directly follows the
    // previous delimiter line there is none left to take: the part is empty.
    let end = d.at;
    if (end > start && body[end - 1] === LF) end--;
    if (end > start && body[end - 1] === CR) end--;
    const part = readPart(body, start, end);
    if (part === undefined) return undefined;
    parts.push(part);
    if (d.next === 'close') return parts;
    start = d.next;
  }
}

/**
 * Builds a multipart body with CRLF line endings, no preamble and no epilogue:
 * `--boundary CRLF headers CRLF body CRLF … --boundary-- CRLF`.
 *
 * @param parts The parts, each with header fields (written `name: value`) and a body.
 * @param boundary The boundary; a random one (32 hex digits) when omitted.
 * @param subtype The multipart subtype: `mixed` (default), `alternative`, `related`, …
 * @returns The body and the matching Content-Type value
 *   (`multipart/<subtype>;boundary=<boundary>`, the boundary quoted if it is not a token).
 * @throws RangeError if `parts` is empty, the boundary is not 1-70 RFC 2046 bchars, a given
 *   boundary occurs inside a part, the subtype is not a token, a header name is not a token, or
 *   a header value holds CR or LF.
 *
 * @example
 * ```ts
 * const { body, contentType } = buildMultipart([
 *   { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(sdpText) },
 *   { headers: [['Content-Type', 'application/isup;version=itu-t92+'], ['Content-Disposition', 'signal;handling=optional']], body: isupBytes },
 * ]);
 * // contentType === 'multipart/mixed;boundary=<32 hex digits>'
 * ```
 */
export function buildMultipart(
  parts: ReadonlyArray<{ headers: ReadonlyArray<readonly [string, string]>; body: Buffer }>,
  boundary?: string,
  subtype = 'mixed',
): { body: Buffer; contentType: string } {
  if (parts.length === 0) throw new RangeError('a multipart body needs at least one part');
  if (!TOKEN.test(subtype))
    throw new RangeError(`multipart subtype is not a token: ${JSON.stringify(subtype)}`);

  const heads = parts.map(({ headers }) => {
    let text = '';
    for (const [name, value] of headers) {
      if (!TOKEN.test(name)) throw new RangeError(`header name is not a token: ${JSON.stringify(name)}`);
      if (/[\r\n]/.test(value)) throw new RangeError(`header ${name} holds CR or LF`);
      text += `${name}: ${value}\r\n`;
    }
    return Buffer.from(text + '\r\n', 'utf8');
  });

  const occursIn = (b: string): boolean => {
    const needle = Buffer.from(`--${b}`, 'utf8');
    return parts.some((p, k) => p.body.includes(needle) || (heads[k]?.includes(needle) ?? false));
  };

  let chosen: string;
  if (boundary === undefined) {
    do {
      chosen = randomBytes(16).toString('hex');
    } while (occursIn(chosen));
  } else {
    if (!BOUNDARY.test(boundary))
      throw new RangeError(`not an RFC 2046 boundary: ${JSON.stringify(boundary)}`);
    if (occursIn(boundary)) throw new RangeError(`boundary ${JSON.stringify(boundary)} occurs inside a part`);
    chosen = boundary;
  }

  const chunks: Buffer[] = [];
  const crlfDash = Buffer.from(`\r\n--${chosen}\r\n`, 'utf8');
  parts.forEach((p, k) => {
    chunks.push(k === 0 ? crlfDash.subarray(2) : crlfDash, heads[k] ?? Buffer.alloc(0), p.body);
  });
  chunks.push(Buffer.from(`\r\n--${chosen}--\r\n`, 'utf8'));

  const param = TOKEN.test(chosen) ? chosen : `"${chosen}"`;
  return { body: Buffer.concat(chunks), contentType: `multipart/${subtype};boundary=${param}` };
}
