/**
 * Parsing SIP messages from bytes (RFC 3261 §7, §18.3, §25): one entry point for datagrams and a
 * framer for byte streams. Wire input never throws: every failure is a `SipParseError` with a
 * code and a byte offset, and carries the partly parsed message when there was enough of it to
 * answer (so a UAS can send its 400 or 505).
 */
import { canonicalHeaderName, isTokenChar } from './grammar';
import { MAX_CSEQ, parseCSeq, parseNameAddr, parseUInt, parseViaList } from './headers';
import { EMPTY_BODY, type HeaderField, SipRequest, SipResponse, type SipMessage } from './message';
import {
  DEFAULT_PARSE_LIMITS,
  type SipParseErrorCode,
  type SipParseLimits,
  type Uri,
  type Via,
} from './types';
import { parseUri } from './uri';

/** Why a message could not be parsed, and where. */
export interface SipParseError {
  code: SipParseErrorCode;
  /** Byte offset into the input where the problem was found. */
  offset: number;
  /** Human-readable detail, fit for a 400 reason phrase. */
  reason: string;
  /** The message as far as it could be read, when the start line and headers were readable. */
  partial?: SipMessage;
}

export type SipParseResult = { ok: true; message: SipMessage } | { ok: false; error: SipParseError };

/** Options for `parseSipMessage`. */
export interface ParseOptions extends Partial<SipParseLimits> {
  /**
   * The message came over a stream (TCP, TLS, WS framing already done): Content-Length is
   * mandatory (§18.3) and must match the bytes given.
   */
  stream?: boolean;
}

/**
 * Parses one SIP message from a datagram.
 *
 * §18.3: "If the transport is unreliable … the Content-Length header field is optional … If a
 * body is present and the transport is unreliable, bytes beyond the Content-Length are
 * discarded"; a body shorter than Content-Length is an error.
 *
 * @example
 * const r = parseSipMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n…\r\n\r\n'));
 * if (r.ok) console.log(r.message.callId); else console.log(r.error.code, r.error.offset);
 */
export function parseSipMessage(buf: Buffer, options?: ParseOptions): SipParseResult {
  const maxMessageSize = options?.maxMessageSize ?? DEFAULT_PARSE_LIMITS.maxMessageSize;
  const len = buf.length;
  if (len > maxMessageSize)
    return fail('MESSAGE_TOO_LARGE', maxMessageSize, `message exceeds ${maxMessageSize} bytes`);

  // §7.5: CRLF before the start-line is ignored.
  let start = 0;
  while (start < len && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === len) return fail('EMPTY', start, 'no message');

  // Fast path: decode the first bytes once and find the end of the headers while splitting the
  // lines. When every byte of that window is one UTF-16 unit (ASCII, as SIP heads almost always
  // are), string indices are byte offsets. Anything unusual goes the general way below.
  const winEnd = len - start > WINDOW ? start + WINDOW : len;
  const win = buf.toString('utf8', start, winEnd);
  if (win.length === winEnd - start) {
    const n = splitHeadLines(win);
    if (n >= 0) return parseHead(buf, win, start, true, n, start + n, start + n + 4, options);
  }

  let headEnd = buf.indexOf('\r\n\r\n', start, 'latin1');
  let bodyStart: number;
  if (headEnd >= 0) {
    bodyStart = headEnd + 4;
  } else {
    headEnd = buf.indexOf('\n\n', start, 'latin1');
    if (headEnd < 0) return fail('INCOMPLETE_HEADERS', len, 'no empty line after the headers');
    bodyStart = headEnd + 2;
  }
  const head = buf.toString('utf8', start, headEnd);
  // A UTF-8 string as long as its bytes is pure ASCII: string indices are byte offsets.
  const ascii = head.length === headEnd - start;
  const n = head.length;
  let k = 0;
  for (let p = 0; ; ) {
    let e = head.indexOf('\n', p);
    if (e < 0) e = n;
    pushLineEnd(k++, e);
    if (e >= n) break;
    p = e + 1;
  }
  return parseHead(buf, head, start, ascii, n, headEnd, bodyStart, options);
}

/** Bytes decoded up front by the fast path; heads longer than this take the general path. */
const WINDOW = 4096;

/** Scratch: where each line of the head being parsed ends (index of its '\n', or the head end). */
let lineEnds = new Int32Array(64);

function pushLineEnd(k: number, e: number): void {
  if (k === lineEnds.length) {
    const bigger = new Int32Array(k * 2);
    bigger.set(lineEnds);
    lineEnds = bigger;
  }
  lineEnds[k] = e;
}

/**
 * Splits `s` into lines up to the first CRLFCRLF, recording their ends in `lineEnds`. Returns
 * the index of that CRLFCRLF, or -1 when it is not in `s` or a bare empty line ("\n\n") comes
 * first — those cases are left to the general path, which has the exact rules.
 */
function splitHeadLines(s: string): number {
  let k = 0;
  let p = 0;
  for (;;) {
    const e = s.indexOf('\n', p);
    if (e < 0 || e === p) return -1;
    // p > 1 here: the first line is not empty.
    if (e === p + 1 && s.charCodeAt(p) === 13 && s.charCodeAt(p - 2) === 13) return p - 2;
    pushLineEnd(k++, e);
    p = e + 1;
  }
}

/** Byte offset of string index `i` of the head `s`, which starts at byte `start`. */
function byteOffset(s: string, start: number, ascii: boolean, i: number): number {
  return start + (ascii ? i : Buffer.byteLength(s.slice(0, i), 'utf8'));
}

/** Codes of the header fields the parser itself reads. */
type Hot = number;
const HOT_NONE = 0;
const HOT_VIA = 1;
const HOT_FROM = 2;
const HOT_TO = 3;
const HOT_CALL_ID = 4;
const HOT_CSEQ = 5;
const HOT_CONTENT_LENGTH = 6;
const HOT_MAX_FORWARDS = 7;

function hotOf(key: string): Hot {
  switch (key) {
    case 'via':
      return HOT_VIA;
    case 'from':
      return HOT_FROM;
    case 'to':
      return HOT_TO;
    case 'call-id':
      return HOT_CALL_ID;
    case 'cseq':
      return HOT_CSEQ;
    case 'content-length':
      return HOT_CONTENT_LENGTH;
    case 'max-forwards':
      return HOT_MAX_FORWARDS;
    default:
      return HOT_NONE;
  }
}

interface KnownName {
  /** Spelling on the wire. */
  name: string;
  key: string;
  hot: Hot;
  c0: number;
}

/**
 * Common header spellings, by length, so the usual names are recognised without cutting and
 * hashing a string. Other spellings take `canonicalHeaderName`.
 */
const KNOWN_NAMES: KnownName[][] = [];
for (const name of [
  'Via', 'v', 'From', 'f', 'To', 't', 'Call-ID', 'Call-Id', 'i', 'CSeq', 'Contact', 'm',
  'Content-Length', 'l', 'Content-Type', 'c', 'Max-Forwards', 'Allow', 'Supported', 'k',
  'User-Agent', 'Server', 'Route', 'Record-Route', 'Expires', 'Min-Expires', 'Accept',
  'Accept-Encoding', 'Accept-Language', 'Require', 'Proxy-Require', 'Unsupported',
  'Authorization', 'Proxy-Authorization', 'WWW-Authenticate', 'Proxy-Authenticate',
  'Authentication-Info', 'Subject', 's', 'Event', 'o', 'Allow-Events', 'u', 'Refer-To', 'r',
  'Referred-By', 'b', 'Session-Expires', 'x', 'Min-SE', 'Timestamp', 'Date', 'Organization',
  'Warning', 'Privacy', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Reason', 'RSeq', 'RAck',
  'Content-Disposition', 'Content-Encoding', 'e', 'Content-Language', 'MIME-Version', 'Path',
  'Service-Route', 'Subscription-State', 'Retry-After', 'Priority', 'Reply-To', 'In-Reply-To',
  'Alert-Info', 'Call-Info', 'Error-Info', 'Replaces', 'Diversion', 'History-Info',
]) {
  const key = canonicalHeaderName(name);
  while (KNOWN_NAMES.length <= name.length) KNOWN_NAMES.push([]);
  KNOWN_NAMES[name.length]!.push({ name, key, hot: hotOf(key), c0: name.charCodeAt(0) });
}

function knownName(s: string, pos: number, len: number): KnownName | undefined {
  if (len >= KNOWN_NAMES.length) return undefined;
  const list = KNOWN_NAMES[len]!;
  const c0 = s.charCodeAt(pos);
  for (let j = 0; j < list.length; j++) {
    const k = list[j]!;
    if (k.c0 === c0 && s.startsWith(k.name, pos)) return k;
  }
  return undefined;
}

/** Scratch: header index and line start of every Via field of the head being parsed. */
let viaFields = new Int32Array(16);

function pushVia(k: number, index: number, pos: number): void {
  if (2 * k + 1 >= viaFields.length) {
    const bigger = new Int32Array(viaFields.length * 2);
    bigger.set(viaFields);
    viaFields = bigger;
  }
  viaFields[2 * k] = index;
  viaFields[2 * k + 1] = pos;
}

const SIP_VERSION = /^SIP\/\d+\.\d+$/i;
const HAS_SPACE = /[\s]/;

/**
 * Parses the head `s[0, n)` (lines already split into `lineEnds`) and attaches the body.
 * `s` starts at byte `start` of `buf`; `ascii` says string indices are byte offsets. `headEnd`
 * and `bodyStart` are byte offsets.
 */
function parseHead(
  buf: Buffer,
  s: string,
  start: number,
  ascii: boolean,
  n: number,
  headEnd: number,
  bodyStart: number,
  options: ParseOptions | undefined,
): SipParseResult {
  const maxHeaderCount = options?.maxHeaderCount ?? DEFAULT_PARSE_LIMITS.maxHeaderCount;
  const maxHeaderLength = options?.maxHeaderLength ?? DEFAULT_PARSE_LIMITS.maxHeaderLength;

  // ---- start line: s[0, sl) ----
  let lineEnd = lineEnds[0]!;
  if (lineEnd > n) lineEnd = n;
  const sl = s.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
  let message: SipMessage;
  let isRequest: boolean;
  let versionError: SipParseError | undefined;
  if (sl > 4 && s.charCodeAt(0) === 83 /* S */ && s.startsWith('SIP/')) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const sp1 = s.indexOf(' ');
    if (sp1 < 0 || sp1 >= sl) return fail('BAD_START_LINE', start, 'malformed status line');
    const version = sp1 === 7 && s.startsWith('SIP/2.0') ? 'SIP/2.0' : s.slice(0, sp1);
    const after = sp1 + 4 < sl ? s.charCodeAt(sp1 + 4) : NaN;
    const status = sp1 + 4 <= sl ? threeDigits(s, sp1 + 1) : -1;
    if (status < 100 || status > 699 || !(after === 32 || Number.isNaN(after)))
      return fail('BAD_STATUS_CODE', start + sp1 + 1, 'status code must be 100-699');
    message = new SipResponse(status, s.slice(sp1 + 5, sl));
    isRequest = false;
    if (!isSip20(version)) versionError = mkErr('BAD_VERSION', start, `unsupported version ${version}`);
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version
    const sp1 = s.indexOf(' ');
    let sp2 = sp1 < 0 || sp1 >= sl ? -1 : s.indexOf(' ', sp1 + 1);
    if (sp2 >= sl) sp2 = -1;
    let sp3 = sp2 < 0 ? -1 : s.indexOf(' ', sp2 + 1);
    if (sp3 >= sl) sp3 = -1;
    if (sp1 <= 0 || sp2 < 0 || sp3 >= 0)
      return fail('BAD_START_LINE', start, 'request line must be "Method SP Request-URI SP SIP-Version"');
    for (let i = 0; i < sp1; i++)
      if (!isTokenChar(s.charCodeAt(i))) return fail('BAD_METHOD', start + i, 'method is not a token');
    const method = s.slice(0, sp1);
    const uriText = s.slice(sp1 + 1, sp2);
    let version: string;
    if (sl - sp2 === 8 && s.startsWith('SIP/2.0', sp2 + 1)) {
      version = 'SIP/2.0';
    } else {
      version = s.slice(sp2 + 1, sl);
      if (!SIP_VERSION.test(version))
        return fail('BAD_START_LINE', byteOffset(s, start, ascii, sp2 + 1), 'no SIP-Version');
    }
    const uri: Uri | undefined = parseUri(uriText);
    message = new SipRequest(
      method,
      uri ?? { kind: 'absolute', scheme: '', opaque: uriText },
      [],
      EMPTY_BODY,
      uriText,
    );
    isRequest = true;
    if (!isSip20(version))
      versionError = mkErr(
        'BAD_VERSION',
        byteOffset(s, start, ascii, sp2 + 1),
        `unsupported version ${version}`,
      );
    else if (!uri)
      versionError = mkErr('BAD_REQUEST_URI', byteOffset(s, start, ascii, sp1 + 1), 'malformed Request-URI');
  }

  // ---- header fields ----
  const headers: HeaderField[] = [];
  let contentLength: number | undefined;
  let clOffset = 0;
  let headerError: SipParseError | undefined;
  let last: HeaderField | undefined;
  // Where the fields the parser reads are: header index and line start.
  let viaCount = 0;
  let fromIdx = -1;
  let toIdx = -1;
  let callIdIdx = -1;
  let cseqIdx = -1;
  let mfIdx = -1;
  let fromAt = 0;
  let toAt = 0;
  let callIdAt = 0;
  let cseqAt = 0;
  // The first repeated From / To / Call-ID / CSeq.
  let dupIdx = -1;
  let dupAt = 0;
  let dupCode: SipParseErrorCode = 'BAD_FROM';
  let dupReason = '';
  let pos = lineEnd + 1;
  for (let k = 1; pos < n; k++) {
    let e = lineEnds[k]!;
    if (e > n) e = n;
    const lineStop = s.charCodeAt(e - 1) === 13 ? e - 1 : e;
    const c0 = s.charCodeAt(pos);
    if (c0 === 32 || c0 === 9) {
      // §7.3.1 folding: a line starting with whitespace continues the previous field.
      if (!last)
        return fail(
          'BAD_HEADER',
          byteOffset(s, start, ascii, pos),
          'continuation line before any header',
          message,
        );
      const folded = s.slice(pos, lineStop);
      const more = folded.trim();
      last.raw = (last.raw ?? last.name + ': ' + last.value) + '\r\n' + folded;
      if (more.length) last.value = last.value.length ? last.value + ' ' + more : more;
      if (last.raw.length > maxHeaderLength)
        return fail(
          'HEADER_TOO_LONG',
          byteOffset(s, start, ascii, pos),
          `header longer than ${maxHeaderLength} bytes`,
          message,
        );
      pos = e + 1;
      continue;
    }
    if (lineStop - pos > maxHeaderLength)
      return fail(
        'HEADER_TOO_LONG',
        byteOffset(s, start, ascii, pos),
        `header longer than ${maxHeaderLength} bytes`,
        message,
      );
    const colon = s.indexOf(':', pos);
    if (colon < 0 || colon > lineStop) {
      headerError ??= mkErr('BAD_HEADER', byteOffset(s, start, ascii, pos), 'header line without a colon');
      pos = e + 1;
      continue;
    }
    let nameEnd = colon;
    let c = s.charCodeAt(nameEnd - 1);
    while (nameEnd > pos && (c === 32 || c === 9)) c = s.charCodeAt(--nameEnd - 1);
    let name: string;
    let key: string;
    let hot: Hot;
    const known = knownName(s, pos, nameEnd - pos);
    if (known !== undefined) {
      name = known.name;
      key = known.key;
      hot = known.hot;
    } else {
      let bad = nameEnd === pos;
      for (let i = pos; i < nameEnd && !bad; i++) if (!isTokenChar(s.charCodeAt(i))) bad = true;
      if (bad) {
        headerError ??= mkErr('BAD_HEADER', byteOffset(s, start, ascii, pos), 'malformed header name');
        pos = e + 1;
        continue;
      }
      name = s.slice(pos, nameEnd);
      key = canonicalHeaderName(name);
      hot = hotOf(key);
    }
    let vs = colon + 1;
    while (vs < lineStop && ((c = s.charCodeAt(vs)) === 32 || c === 9)) vs++;
    let ve = lineStop;
    while (ve > vs && ((c = s.charCodeAt(ve - 1)) === 32 || c === 9)) ve--;
    const value = s.slice(vs, ve);
    const field: HeaderField = { name, key, value };
    // Keep the exact bytes only when they differ from the canonical "Name: value".
    if (nameEnd !== colon || vs !== colon + 2 || s.charCodeAt(colon + 1) !== 32 || ve !== lineStop)
      field.raw = s.slice(pos, lineStop);
    const index = headers.length;
    if (index >= maxHeaderCount)
      return fail(
        'TOO_MANY_HEADERS',
        byteOffset(s, start, ascii, pos),
        `more than ${maxHeaderCount} headers`,
        message,
      );
    headers.push(field);
    last = field;
    switch (hot) {
      case HOT_NONE:
        break;
      case HOT_VIA:
        pushVia(viaCount++, index, pos);
        break;
      case HOT_FROM:
        if (fromIdx < 0) {
          fromIdx = index;
          fromAt = pos;
        } else if (dupIdx < 0) {
          dupIdx = index;
          dupAt = pos;
          dupCode = 'BAD_FROM';
          dupReason = 'more than one From';
        }
        break;
      case HOT_TO:
        if (toIdx < 0) {
          toIdx = index;
          toAt = pos;
        } else if (dupIdx < 0) {
          dupIdx = index;
          dupAt = pos;
          dupCode = 'BAD_TO';
          dupReason = 'more than one To';
        }
        break;
      case HOT_CALL_ID:
        if (callIdIdx < 0) {
          callIdIdx = index;
          callIdAt = pos;
        } else if (dupIdx < 0) {
          dupIdx = index;
          dupAt = pos;
          dupCode = 'BAD_CALL_ID';
          dupReason = 'more than one Call-ID';
        }
        break;
      case HOT_CSEQ:
        if (cseqIdx < 0) {
          cseqIdx = index;
          cseqAt = pos;
        } else if (dupIdx < 0) {
          dupIdx = index;
          dupAt = pos;
          dupCode = 'BAD_CSEQ';
          dupReason = 'more than one CSeq';
        }
        break;
      case HOT_CONTENT_LENGTH: {
        const cl = parseUInt(value);
        clOffset = byteOffset(s, start, ascii, vs);
        if (cl === undefined || (contentLength !== undefined && cl !== contentLength))
          headerError ??= mkErr('BAD_CONTENT_LENGTH', clOffset, 'malformed Content-Length');
        else contentLength = cl;
        break;
      }
      case HOT_MAX_FORWARDS:
        if (mfIdx < 0) mfIdx = index;
        break;
    }
    pos = e + 1;
  }
  message.headers = headers;

  // ---- body (§18.3) ----
  const available = buf.length - bodyStart;
  if (contentLength === undefined) {
    if (options?.stream)
      return fail('MISSING_HEADER', bodyStart, 'Content-Length is required over streams', message);
    message.body = available > 0 ? buf.subarray(bodyStart) : EMPTY_BODY;
  } else if (contentLength > available) {
    return fail('BODY_TRUNCATED', clOffset, `body shorter than Content-Length ${contentLength}`, message);
  } else {
    message.body = contentLength > 0 ? buf.subarray(bodyStart, bodyStart + contentLength) : EMPTY_BODY;
  }

  if (versionError) return { ok: false, error: { ...versionError, partial: message } };
  if (headerError) return { ok: false, error: { ...headerError, partial: message } };

  // ---- mandatory headers (§8.1.1), parsed eagerly so routing never sees a bad one ----
  // Errors are reported in field order: a bad Via before a repeated From wins, and after it loses.
  let vias: Via[] | undefined;
  for (let v = 0; v < viaCount; v++) {
    const index = viaFields[2 * v]!;
    if (dupIdx >= 0 && index > dupIdx) break;
    const list = parseViaList(headers[index]!.value);
    if (!list)
      return fail('BAD_VIA', byteOffset(s, start, ascii, viaFields[2 * v + 1]!), 'malformed Via', message);
    if (vias) for (let j = 0; j < list.length; j++) vias.push(list[j]!);
    else vias = list;
  }
  if (dupIdx >= 0) return fail(dupCode, byteOffset(s, start, ascii, dupAt), dupReason, message);
  if (!vias) return fail('MISSING_HEADER', headEnd, 'missing Via', message);
  message._via = vias;
  if (callIdIdx < 0) return fail('MISSING_HEADER', headEnd, 'missing Call-ID', message);
  const callId = headers[callIdIdx]!.value;
  if (!callId.length || HAS_SPACE.test(callId))
    return fail('BAD_CALL_ID', byteOffset(s, start, ascii, callIdAt), 'malformed Call-ID', message);
  message._callId = callId;
  if (cseqIdx < 0) return fail('MISSING_HEADER', headEnd, 'missing CSeq', message);
  const cseq = parseCSeq(headers[cseqIdx]!.value);
  if (!cseq)
    return fail(
      'BAD_CSEQ',
      byteOffset(s, start, ascii, cseqAt),
      `malformed CSeq (sequence number must be below ${MAX_CSEQ + 1})`,
      message,
    );
  message._cseq = cseq;
  if (fromIdx < 0) return fail('MISSING_HEADER', headEnd, 'missing From', message);
  const from = parseNameAddr(headers[fromIdx]!.value);
  if (!from) return fail('BAD_FROM', byteOffset(s, start, ascii, fromAt), 'malformed From', message);
  message._from = from;
  if (toIdx < 0) return fail('MISSING_HEADER', headEnd, 'missing To', message);
  const to = parseNameAddr(headers[toIdx]!.value);
  if (!to) return fail('BAD_TO', byteOffset(s, start, ascii, toAt), 'malformed To', message);
  message._to = to;
  if (isRequest) {
    const req = message as SipRequest;
    if (cseq.method !== req.method)
      return fail(
        'CSEQ_METHOD_MISMATCH',
        byteOffset(s, start, ascii, cseqAt),
        'CSeq method does not match the request method',
        message,
      );
    if (mfIdx >= 0 && parseUInt(headers[mfIdx]!.value) === undefined)
      return fail('BAD_MAX_FORWARDS', headEnd, 'malformed Max-Forwards', message);
  }
  return { ok: true, message };
}

/** The value of three ASCII digits at `s[i]`, or -1. */
function threeDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  const c = s.charCodeAt(i + 2) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9 || c < 0 || c > 9) return -1;
  return a * 100 + b * 10 + c;
}

function fail(code: SipParseErrorCode, offset: number, reason: string, partial?: SipMessage): SipParseResult {
  const error: SipParseError = { code, offset, reason };
  if (partial) error.partial = partial;
  return { ok: false, error };
}

function mkErr(code: SipParseErrorCode, offset: number, reason: string): SipParseError {
  return { code, offset, reason };
}

function isSip20(version: string): boolean {
  return version === 'SIP/2.0' || version.toUpperCase() === 'SIP/2.0';
}

/** What the stream framer yields. */
export type StreamItem =
  | { kind: 'message'; message: SipMessage; bytes: number }
  /** A message that was framed but did not parse; the stream is still in sync. */
  | { kind: 'invalid'; error: SipParseError }
  /** The stream lost framing (no Content-Length, oversize): close the connection. */
  | { kind: 'fatal'; error: SipParseError }
  /** A CRLFCRLF keep-alive ping (RFC 5626 §3.5.1): answer with CRLF. */
  | { kind: 'ping' };

const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*\r?$/im;

/**
 * Frames SIP messages out of a byte stream (TCP, TLS): partial input is kept until complete,
 * several messages in one chunk are all returned, CRLF keep-alives are skipped (a CRLFCRLF ping
 * is reported so the transport can answer), and the message length is capped.
 *
 * @example
 * const framer = new SipStreamFramer();
 * socket.on('data', (chunk) => { for (const item of framer.push(chunk)) handle(item); });
 */
export class SipStreamFramer {
  private buf: Buffer = EMPTY_BODY;
  private readonly options: ParseOptions;
  private readonly maxMessageSize: number;
  private dead = false;

  constructor(limits?: Partial<SipParseLimits>) {
    this.options = { ...limits, stream: true };
    this.maxMessageSize = limits?.maxMessageSize ?? DEFAULT_PARSE_LIMITS.maxMessageSize;
  }

  /** Bytes held while waiting for the rest of a message. */
  get pending(): number {
    return this.buf.length;
  }

  /** Feeds a chunk; returns every complete item it finished. */
  push(chunk: Buffer): StreamItem[] {
    if (this.dead) return [];
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: StreamItem[] = [];
    for (;;) {
      const b = this.buf;
      let i = 0;
      while (i < b.length && (b[i] === 13 || b[i] === 10)) {
        if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) {
          out.push({ kind: 'ping' });
          i += 4;
        } else i++;
      }
      if (i > 0) this.buf = b.subarray(i);
      if (!this.buf.length) break;
      const headEnd = this.buf.indexOf('\r\n\r\n', 0, 'latin1');
      if (headEnd < 0) {
        if (this.buf.length > this.maxMessageSize)
          return this.die(out, 'MESSAGE_TOO_LARGE', 'headers too large');
        break;
      }
      const head = this.buf.toString('latin1', 0, headEnd);
      const m = CL_RE.exec(head);
      if (!m) return this.die(out, 'MISSING_HEADER', 'Content-Length is required over streams');
      const total = headEnd + 4 + Number(m[1]);
      if (total > this.maxMessageSize)
        return this.die(out, 'MESSAGE_TOO_LARGE', `message exceeds ${this.maxMessageSize} bytes`);
      if (this.buf.length < total) break;
      const r = parseSipMessage(this.buf.subarray(0, total), this.options);
      out.push(
        r.ok ? { kind: 'message', message: r.message, bytes: total } : { kind: 'invalid', error: r.error },
      );
      this.buf = this.buf.subarray(total);
    }
    if (!this.buf.length) this.buf = EMPTY_BODY;
    return out;
  }

  private die(out: StreamItem[], code: SipParseErrorCode, reason: string): StreamItem[] {
    this.dead = true;
    this.buf = EMPTY_BODY;
    out.push({ kind: 'fatal', error: { code, offset: 0, reason } });
    return out;
  }
}
