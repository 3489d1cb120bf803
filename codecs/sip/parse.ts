/**
 * Parsing SIP messages from bytes (RFC 3261 §7, §18.3, §25): one entry point for datagrams and a
 * framer for byte streams. Wire input never throws: every failure is a `SipParseError` with a
 * code and a byte offset, and carries the partly parsed message when there was enough of it to
 * answer (so a UAS can send its 400 or 505).
 */
import { canonicalHeaderName, isTokenChar } from './grammar';
import {
  isSip20Bytes,
  MAX_CSEQ,
  parseCSeq,
  parseNameAddr,
  parseUInt,
  parseViaList,
  scanCSeq,
  scanNameAddr,
  scanVia,
} from './headers';
import { EMPTY_BODY, type HeaderField, SipRequest, SipResponse, type SipMessage } from './message';
import {
  DEFAULT_PARSE_LIMITS,
  type SipParseErrorCode,
  type SipParseLimits,
  type Uri,
  type Via,
} from './types';
import { parseUri, scannedUriEnd, scanSipUri } from './uri';

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

  // Fast path: decode the first bytes once and read the head from that string. When every byte
  // of the window became one UTF-16 unit (ASCII, as SIP heads almost always are), string index
  // i is byte start + i, so characters are tested on the bytes (much cheaper than charCodeAt)
  // and strings are cut from the window. The fast path only answers well-formed messages of
  // the usual shape; anything else, every error included, takes the general path, which is the
  // reference.
  const winEnd = len - start > WINDOW ? start + WINDOW : len;
  const win = buf.toString('utf8', start, winEnd);
  if (win.length === winEnd - start || asciiHead(win)) {
    const r = parseFast(buf, win, start, options);
    if (r !== undefined) return r;
  }
  return parseSipMessageGeneral(buf, options);
}

/**
 * The general path of {@link parseSipMessage}: any encoding, LF-only heads, heads longer than
 * the fast path's window. This is the reference algorithm; the fast path gives the same answers.
 */
function parseSipMessageGeneral(buf: Buffer, options?: ParseOptions): SipParseResult {
  const maxMessageSize = options?.maxMessageSize ?? DEFAULT_PARSE_LIMITS.maxMessageSize;
  const maxHeaderCount = options?.maxHeaderCount ?? DEFAULT_PARSE_LIMITS.maxHeaderCount;
  const maxHeaderLength = options?.maxHeaderLength ?? DEFAULT_PARSE_LIMITS.maxHeaderLength;
  const len = buf.length;
  if (len > maxMessageSize)
    return fail('MESSAGE_TOO_LARGE', maxMessageSize, `message exceeds ${maxMessageSize} bytes`);

  // §7.5: CRLF before the start-line is ignored.
  let start = 0;
  while (start < len && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === len) return fail('EMPTY', start, 'no message');

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
  const byteOffset = (strIndex: number): number =>
    start + (ascii ? strIndex : Buffer.byteLength(head.slice(0, strIndex), 'utf8'));

  // ---- start line ----
  let lineEnd = head.indexOf('\n');
  if (lineEnd < 0) lineEnd = head.length;
  const startLine = head.charCodeAt(lineEnd - 1) === 13 ? head.slice(0, lineEnd - 1) : head.slice(0, lineEnd);
  let message: SipMessage;
  let isRequest: boolean;
  let versionError: SipParseError | undefined;
  if (startLine.length > 4 && startLine.charCodeAt(0) === 83 /* S */ && startLine.startsWith('SIP/')) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const sp1 = startLine.indexOf(' ');
    if (sp1 < 0) return fail('BAD_START_LINE', start, 'malformed status line');
    const version = startLine.slice(0, sp1);
    const codeText = startLine.slice(sp1 + 1, sp1 + 4);
    const after = startLine.charCodeAt(sp1 + 4);
    const status = codeText.length === 3 ? parseUInt(codeText) : undefined;
    if (status === undefined || status < 100 || status > 699 || !(after === 32 || Number.isNaN(after)))
      return fail('BAD_STATUS_CODE', start + sp1 + 1, 'status code must be 100-699');
    message = new SipResponse(status, startLine.slice(sp1 + 5));
    isRequest = false;
    if (!isSip20(version)) versionError = mkErr('BAD_VERSION', start, `unsupported version ${version}`);
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version
    const sp1 = startLine.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : startLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || startLine.indexOf(' ', sp2 + 1) >= 0)
      return fail('BAD_START_LINE', start, 'request line must be "Method SP Request-URI SP SIP-Version"');
    const method = startLine.slice(0, sp1);
    for (let i = 0; i < method.length; i++)
      if (!isTokenChar(method.charCodeAt(i))) return fail('BAD_METHOD', start + i, 'method is not a token');
    const uriText = startLine.slice(sp1 + 1, sp2);
    const version = startLine.slice(sp2 + 1);
    if (!SIP_VERSION.test(version)) return fail('BAD_START_LINE', byteOffset(sp2 + 1), 'no SIP-Version');
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
      versionError = mkErr('BAD_VERSION', byteOffset(sp2 + 1), `unsupported version ${version}`);
    else if (!uri) versionError = mkErr('BAD_REQUEST_URI', byteOffset(sp1 + 1), 'malformed Request-URI');
  }

  // ---- header fields ----
  const headers: HeaderField[] = [];
  const starts: number[] = [];
  let pos = lineEnd + 1;
  const n = head.length;
  let contentLength: number | undefined;
  let clOffset = 0;
  let headerError: SipParseError | undefined;
  let last: HeaderField | undefined;
  while (pos < n) {
    let e = head.indexOf('\n', pos);
    if (e < 0) e = n;
    const lineStop = head.charCodeAt(e - 1) === 13 ? e - 1 : e;
    const c0 = head.charCodeAt(pos);
    if (c0 === 32 || c0 === 9) {
      // §7.3.1 folding: a line starting with whitespace continues the previous field.
      if (!last) return fail('BAD_HEADER', byteOffset(pos), 'continuation line before any header', message);
      const more = head.slice(pos, lineStop).trim();
      const folded = head.slice(pos, lineStop);
      last.raw = (last.raw ?? last.name + ': ' + last.value) + '\r\n' + folded;
      if (more.length) last.value = last.value.length ? last.value + ' ' + more : more;
      if (last.raw.length > maxHeaderLength)
        return fail(
          'HEADER_TOO_LONG',
          byteOffset(pos),
          `header longer than ${maxHeaderLength} bytes`,
          message,
        );
      pos = e + 1;
      continue;
    }
    if (lineStop - pos > maxHeaderLength)
      return fail('HEADER_TOO_LONG', byteOffset(pos), `header longer than ${maxHeaderLength} bytes`, message);
    const colon = head.indexOf(':', pos);
    if (colon < 0 || colon > lineStop) {
      headerError ??= mkErr('BAD_HEADER', byteOffset(pos), 'header line without a colon');
      pos = e + 1;
      continue;
    }
    let nameEnd = colon;
    while (nameEnd > pos && (head.charCodeAt(nameEnd - 1) === 32 || head.charCodeAt(nameEnd - 1) === 9))
      nameEnd--;
    let bad = nameEnd === pos;
    for (let i = pos; i < nameEnd && !bad; i++) if (!isTokenChar(head.charCodeAt(i))) bad = true;
    if (bad) {
      headerError ??= mkErr('BAD_HEADER', byteOffset(pos), 'malformed header name');
      pos = e + 1;
      continue;
    }
    const name = head.slice(pos, nameEnd);
    let vs = colon + 1;
    while (vs < lineStop && (head.charCodeAt(vs) === 32 || head.charCodeAt(vs) === 9)) vs++;
    let ve = lineStop;
    while (ve > vs && (head.charCodeAt(ve - 1) === 32 || head.charCodeAt(ve - 1) === 9)) ve--;
    const value = head.slice(vs, ve);
    const field: HeaderField = { name, key: canonicalHeaderName(name), value };
    // Keep the exact bytes only when they differ from the canonical "Name: value".
    if (nameEnd !== colon || vs !== colon + 2 || head.charCodeAt(colon + 1) !== 32 || ve !== lineStop)
      field.raw = head.slice(pos, lineStop);
    if (headers.length >= maxHeaderCount)
      return fail('TOO_MANY_HEADERS', byteOffset(pos), `more than ${maxHeaderCount} headers`, message);
    headers.push(field);
    starts.push(pos);
    last = field;
    if (field.key === 'content-length') {
      const cl = parseUInt(value);
      if (cl === undefined || (contentLength !== undefined && cl !== contentLength))
        headerError ??= mkErr('BAD_CONTENT_LENGTH', byteOffset(vs), 'malformed Content-Length');
      else contentLength = cl;
      clOffset = byteOffset(vs);
    }
    pos = e + 1;
  }
  message.headers = headers;

  // ---- body (§18.3) ----
  const available = len - bodyStart;
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
  let vias: Via[] | undefined;
  let fromV: string | undefined,
    toV: string | undefined,
    callId: string | undefined,
    cseqV: string | undefined;
  let fromAt = 0,
    toAt = 0,
    callIdAt = 0,
    cseqAt = 0;
  for (let k = 0; k < headers.length; k++) {
    const h = headers[k]!;
    switch (h.key) {
      case 'via': {
        const list = parseViaList(h.value);
        if (!list) return fail('BAD_VIA', byteOffset(starts[k]!), 'malformed Via', message);
        if (vias) vias.push(...list);
        else vias = list;
        break;
      }
      case 'from':
        if (fromV !== undefined)
          return fail('BAD_FROM', byteOffset(starts[k]!), 'more than one From', message);
        fromV = h.value;
        fromAt = starts[k]!;
        break;
      case 'to':
        if (toV !== undefined) return fail('BAD_TO', byteOffset(starts[k]!), 'more than one To', message);
        toV = h.value;
        toAt = starts[k]!;
        break;
      case 'call-id':
        if (callId !== undefined)
          return fail('BAD_CALL_ID', byteOffset(starts[k]!), 'more than one Call-ID', message);
        callId = h.value;
        callIdAt = starts[k]!;
        break;
      case 'cseq':
        if (cseqV !== undefined)
          return fail('BAD_CSEQ', byteOffset(starts[k]!), 'more than one CSeq', message);
        cseqV = h.value;
        cseqAt = starts[k]!;
        break;
    }
  }
  if (!vias) return fail('MISSING_HEADER', headEnd, 'missing Via', message);
  message._via = vias;
  if (callId === undefined) return fail('MISSING_HEADER', headEnd, 'missing Call-ID', message);
  if (!callId.length || HAS_SPACE.test(callId))
    return fail('BAD_CALL_ID', byteOffset(callIdAt), 'malformed Call-ID', message);
  message._callId = callId;
  if (cseqV === undefined) return fail('MISSING_HEADER', headEnd, 'missing CSeq', message);
  const cseq = parseCSeq(cseqV);
  if (!cseq)
    return fail(
      'BAD_CSEQ',
      byteOffset(cseqAt),
      `malformed CSeq (sequence number must be below ${MAX_CSEQ + 1})`,
      message,
    );
  message._cseq = cseq;
  if (fromV === undefined) return fail('MISSING_HEADER', headEnd, 'missing From', message);
  const from = parseNameAddr(fromV);
  if (!from) return fail('BAD_FROM', byteOffset(fromAt), 'malformed From', message);
  message._from = from;
  if (toV === undefined) return fail('MISSING_HEADER', headEnd, 'missing To', message);
  const to = parseNameAddr(toV);
  if (!to) return fail('BAD_TO', byteOffset(toAt), 'malformed To', message);
  message._to = to;
  if (isRequest) {
    const req = message as SipRequest;
    if (cseq.method !== req.method)
      return fail(
        'CSEQ_METHOD_MISMATCH',
        byteOffset(cseqAt),
        'CSeq method does not match the request method',
        message,
      );
    const mf = req.get('max-forwards');
    if (mf !== undefined && parseUInt(mf) === undefined)
      return fail('BAD_MAX_FORWARDS', headEnd, 'malformed Max-Forwards', message);
  }
  return { ok: true, message };
}

/** Bytes decoded up front by the fast path; longer heads take the general path. */
const WINDOW = 4096;

/**
 * True when the decoded window `s` holds a CRLFCRLF and everything before it is ASCII (a body
 * that is not, UTF-8 or binary, does not matter): then string index i is byte start + i up to
 * the end of the head, which is all the fast path reads.
 */
function asciiHead(s: string): boolean {
  const p = s.indexOf('\r\n\r\n');
  return p > 0 && Buffer.byteLength(s.slice(0, p), 'utf8') === p;
}

/** token characters (§25.1), indexed by byte */
const TOKEN_BYTE = new Uint8Array(256);
for (let c = 0; c < 128; c++) if (isTokenChar(c)) TOKEN_BYTE[c] = 1;

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
  /** The spelling's bytes. */
  codes: Uint8Array;
}

/**
 * Common header spellings, most frequent first, so the usual names are recognised from the
 * bytes without searching for the colon, cutting and hashing a string. Other spellings go
 * through `canonicalHeaderName`.
 */
const KNOWN_SPELLINGS = [
  'Via',
  'From',
  'To',
  'Call-ID',
  'CSeq',
  'Contact',
  'Content-Length',
  'Content-Type',
  'Max-Forwards',
  'Allow',
  'Supported',
  'User-Agent',
  'Server',
  'Route',
  'Record-Route',
  'Expires',
  'Require',
  'Authorization',
  'Proxy-Authorization',
  'WWW-Authenticate',
  'Proxy-Authenticate',
  'Event',
  'Subscription-State',
  'Allow-Events',
  'Accept',
  'Date',
  'Min-Expires',
  'Call-Id',
  'Session-Expires',
  'Min-SE',
  'RSeq',
  'RAck',
  'Refer-To',
  'Referred-By',
  'Timestamp',
  'Organization',
  'Warning',
  'Privacy',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Reason',
  'Content-Disposition',
  'Content-Encoding',
  'Content-Language',
  'Accept-Encoding',
  'Accept-Language',
  'Proxy-Require',
  'Unsupported',
  'Authentication-Info',
  'Subject',
  'MIME-Version',
  'Path',
  'Service-Route',
  'Retry-After',
  'Priority',
  'Reply-To',
  'In-Reply-To',
  'Alert-Info',
  'Call-Info',
  'Error-Info',
  'Replaces',
  'Diversion',
  'History-Info',
  'v',
  'f',
  't',
  'i',
  'm',
  'l',
  'c',
  'k',
  's',
  'o',
  'u',
  'r',
  'b',
  'x',
  'e',
];
/** Known spellings by first byte, and by length. */
const KNOWN_BY_FIRST: Array<KnownName[] | undefined> = new Array<KnownName[] | undefined>(256).fill(
  undefined,
);
const KNOWN_BY_LENGTH: KnownName[][] = [];
for (const name of KNOWN_SPELLINGS) {
  const key = canonicalHeaderName(name);
  const known: KnownName = { name, key, hot: hotOf(key), codes: Buffer.from(name, 'latin1') };
  (KNOWN_BY_FIRST[name.charCodeAt(0)] ??= []).push(known);
  while (KNOWN_BY_LENGTH.length <= name.length) KNOWN_BY_LENGTH.push([]);
  KNOWN_BY_LENGTH[name.length]!.push(known);
}

/** The known spelling at `b[at]` directly followed by ':', if there is one. */
function knownBeforeColon(b: Buffer, at: number): KnownName | undefined {
  const list = KNOWN_BY_FIRST[b[at]!];
  if (list === undefined) return undefined;
  for (let j = 0; j < list.length; j++) {
    const k = list[j]!;
    const codes = k.codes;
    const len = codes.length;
    // The colon where this spelling would end rules most candidates out at once.
    if (b[at + len] !== 58 /* : */) continue;
    let i = 1;
    while (i < len && b[at + i] === codes[i]) i++;
    if (i === len) return k;
  }
  return undefined;
}

/** The known spelling that is exactly `b[at, at + len)`, if there is one. */
function knownName(b: Buffer, at: number, len: number): KnownName | undefined {
  if (len >= KNOWN_BY_LENGTH.length) return undefined;
  const list = KNOWN_BY_LENGTH[len]!;
  for (let j = 0; j < list.length; j++) {
    const codes = list[j]!.codes;
    let i = 0;
    while (i < len && b[at + i] === codes[i]) i++;
    if (i === len) return list[j];
  }
  return undefined;
}

/** Scratch: header index, value start and value end (bytes) of each Via field being parsed. */
let viaFields = new Int32Array(16);

const SIP_VERSION = /^SIP\/\d+\.\d+$/i;
const HAS_SPACE = /[\s]/;

/**
 * The fast path of {@link parseSipMessage}: `s` is the decoded window starting at byte `start`
 * of `b`, one UTF-16 unit per byte at least up to the first CRLFCRLF (the fast path never reads
 * past it), so byte `start + i` stands for `s[i]` in every test below (they only ask "is it this
 * ASCII character", which a byte and its decoded unit answer alike).
 *
 * Returns the result for a message that parses, with the general path's exact value, or
 * undefined for anything else — no CRLFCRLF in the window, a bare-LF empty line before it,
 * folding, odd CRs, any error at all — which then goes the general way.
 */
function parseFast(
  b: Buffer,
  s: string,
  start: number,
  options: ParseOptions | undefined,
): SipParseResult | undefined {
  const maxHeaderCount = options?.maxHeaderCount ?? DEFAULT_PARSE_LIMITS.maxHeaderCount;
  const maxHeaderLength = options?.maxHeaderLength ?? DEFAULT_PARSE_LIMITS.maxHeaderLength;
  const o = start;

  // ---- start line: s[0, sl) ----
  const lineEnd = s.indexOf('\n');
  if (lineEnd < 0) return undefined;
  const sl = b[o + lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd;
  // A line still ending in CR would lose it too if it were the last before the empty line.
  if (sl < 1 || b[o + sl - 1] === 13) return undefined;
  // The message is built at the end, once it is known to parse.
  let isRequest = false;
  let status = 0;
  let reason = '';
  let method = '';
  let uri: Uri | undefined;
  let uriText = '';
  if (sl > 4 && b[o] === 83 /* S */ && b[o + 1] === 73 && b[o + 2] === 80 && b[o + 3] === 47) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    if (sl < 11 || !isSip20Bytes(b, o) || b[o + 7] !== 32 || !(sl === 11 || b[o + 11] === 32))
      return undefined;
    status = threeDigits(b, o + 8);
    if (status < 100 || status > 699) return undefined;
    reason = s.slice(12, sl);
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version
    const sp1 = s.indexOf(' ');
    if (sp1 <= 0 || sp1 >= sl) return undefined;
    const sp2 = s.indexOf(' ', sp1 + 1);
    // "SIP/2.0" ends the line: no third space.
    if (sp2 < 0 || sl - sp2 !== 8 || !isSip20Bytes(b, o + sp2 + 1)) return undefined;
    for (let i = 0; i < sp1; i++) if (TOKEN_BYTE[b[o + i]!] !== 1) return undefined;
    uriText = s.slice(sp1 + 1, sp2);
    uri = scanSipUri(b, s, o, o + sp1 + 1, o + sp2, false);
    if (uri === undefined || scannedUriEnd() !== o + sp2) uri = parseUri(uriText);
    if (uri === undefined) return undefined;
    method = s.slice(0, sp1);
    isRequest = true;
  }

  // ---- header fields ----
  const headers: HeaderField[] = [];
  let contentLength: number | undefined;
  // Where the fields the parser reads are: header index, and for some the value's bytes.
  let viaCount = 0;
  let fromIdx = -1;
  let toIdx = -1;
  let callIdIdx = -1;
  let cseqIdx = -1;
  let mfIdx = -1;
  let fromAt = 0;
  let fromEnd = 0;
  let toAt = 0;
  let toEnd = 0;
  let cseqAt = 0;
  let cseqEnd = 0;
  let pos = lineEnd + 1;
  let n: number;
  for (;;) {
    const e = s.indexOf('\n', pos);
    // No end of line in the window, or a bare-LF empty line: the general path decides.
    if (e <= pos) return undefined;
    if (e === pos + 1 && b[o + pos] === 13) {
      // CRLFCRLF ends the head; after a bare LF, "\r\n" is a (bad) line for the general path.
      if (b[o + pos - 2] !== 13) return undefined;
      n = pos - 2;
      break;
    }
    const lineStop = b[o + e - 1] === 13 ? e - 1 : e;
    const c0 = b[o + pos];
    if (c0 === 32 || c0 === 9 || b[o + lineStop - 1] === 13 || lineStop - pos > maxHeaderLength)
      return undefined;
    let colon: number;
    let nameEnd: number;
    let name: string;
    let key: string;
    let hot: Hot;
    const known = knownBeforeColon(b, o + pos);
    if (known !== undefined) {
      colon = nameEnd = pos + known.codes.length;
      name = known.name;
      key = known.key;
      hot = known.hot;
    } else {
      colon = s.indexOf(':', pos);
      if (colon < 0 || colon > lineStop) return undefined;
      nameEnd = colon;
      let c = b[o + nameEnd - 1];
      while (nameEnd > pos && (c === 32 || c === 9)) c = b[o + --nameEnd - 1];
      const spelled = knownName(b, o + pos, nameEnd - pos);
      if (spelled !== undefined) {
        name = spelled.name;
        key = spelled.key;
        hot = spelled.hot;
      } else {
        if (nameEnd === pos) return undefined;
        for (let i = pos; i < nameEnd; i++) if (TOKEN_BYTE[b[o + i]!] !== 1) return undefined;
        name = s.slice(pos, nameEnd);
        key = canonicalHeaderName(name);
        hot = hotOf(key);
      }
    }
    let vs = colon + 1;
    let c: number | undefined;
    while (vs < lineStop && ((c = b[o + vs]) === 32 || c === 9)) vs++;
    let ve = lineStop;
    while (ve > vs && ((c = b[o + ve - 1]) === 32 || c === 9)) ve--;
    const field: HeaderField = { name, key, value: s.slice(vs, ve) };
    // Keep the exact bytes only when they differ from the canonical "Name: value".
    if (nameEnd !== colon || vs !== colon + 2 || b[o + colon + 1] !== 32 || ve !== lineStop)
      field.raw = s.slice(pos, lineStop);
    const index = headers.length;
    if (index >= maxHeaderCount) return undefined;
    headers.push(field);
    switch (hot) {
      case HOT_NONE:
        break;
      case HOT_VIA:
        if (3 * viaCount + 2 >= viaFields.length) {
          const bigger = new Int32Array(viaFields.length * 2);
          bigger.set(viaFields);
          viaFields = bigger;
        }
        viaFields[3 * viaCount] = index;
        viaFields[3 * viaCount + 1] = o + vs;
        viaFields[3 * viaCount + 2] = o + ve;
        viaCount++;
        break;
      case HOT_FROM:
        if (fromIdx >= 0) return undefined;
        fromIdx = index;
        fromAt = o + vs;
        fromEnd = o + ve;
        break;
      case HOT_TO:
        if (toIdx >= 0) return undefined;
        toIdx = index;
        toAt = o + vs;
        toEnd = o + ve;
        break;
      case HOT_CALL_ID:
        if (callIdIdx >= 0) return undefined;
        callIdIdx = index;
        break;
      case HOT_CSEQ:
        if (cseqIdx >= 0) return undefined;
        cseqIdx = index;
        cseqAt = o + vs;
        cseqEnd = o + ve;
        break;
      case HOT_CONTENT_LENGTH: {
        const cl = digitsValue(b, o + vs, o + ve) ?? parseUInt(field.value);
        if (cl === undefined || (contentLength !== undefined && cl !== contentLength)) return undefined;
        contentLength = cl;
        break;
      }
      case HOT_MAX_FORWARDS:
        if (mfIdx < 0) mfIdx = index;
        break;
    }
    pos = e + 1;
  }

  // ---- body (§18.3) ----
  const bodyStart = start + n + 4;
  const available = b.length - bodyStart;
  if (contentLength === undefined ? options?.stream : contentLength > available) return undefined;

  // ---- mandatory headers (§8.1.1), parsed eagerly so routing never sees a bad one ----
  if (viaCount === 0 || callIdIdx < 0 || cseqIdx < 0 || fromIdx < 0 || toIdx < 0) return undefined;
  // Each from the bytes when it has the usual shape, else from the value by the reference parser.
  let vias: Via[] | undefined;
  for (let v = 0; v < viaCount; v++) {
    const one = scanVia(b, s, o, viaFields[3 * v + 1]!, viaFields[3 * v + 2]!);
    const list = one ? [one] : parseViaList(headers[viaFields[3 * v]!]!.value);
    if (!list) return undefined;
    if (vias) for (let j = 0; j < list.length; j++) vias.push(list[j]!);
    else vias = list;
  }
  const callId = headers[callIdIdx]!.value;
  if (!callId.length || HAS_SPACE.test(callId)) return undefined;
  const cseq = scanCSeq(b, s, o, cseqAt, cseqEnd) ?? parseCSeq(headers[cseqIdx]!.value);
  if (!cseq) return undefined;
  const from = scanNameAddr(b, s, o, fromAt, fromEnd) ?? parseNameAddr(headers[fromIdx]!.value);
  if (!from) return undefined;
  const to = scanNameAddr(b, s, o, toAt, toEnd) ?? parseNameAddr(headers[toIdx]!.value);
  if (!to) return undefined;
  const body =
    contentLength === undefined
      ? available > 0
        ? b.subarray(bodyStart)
        : EMPTY_BODY
      : contentLength > 0
        ? b.subarray(bodyStart, bodyStart + contentLength)
        : EMPTY_BODY;
  let message: SipMessage;
  if (isRequest) {
    if (cseq.method !== method) return undefined;
    if (mfIdx >= 0 && parseUInt(headers[mfIdx]!.value) === undefined) return undefined;
    message = new SipRequest(method, uri!, headers, body, uriText);
  } else {
    message = new SipResponse(status, reason, headers, body);
  }
  message._via = vias!;
  message._callId = callId;
  message._cseq = cseq;
  message._from = from;
  message._to = to;
  return { ok: true, message };
}

/** The value of the three ASCII digits at `b[at]`, or -1. */
function threeDigits(b: Buffer, at: number): number {
  const x = b[at]! - 48;
  const y = b[at + 1]! - 48;
  const z = b[at + 2]! - 48;
  if (x < 0 || x > 9 || y < 0 || y > 9 || z < 0 || z > 9) return -1;
  return x * 100 + y * 10 + z;
}

/**
 * `parseUInt` of the text at `b[from, to)` when that is 1 to 9 plain digits (the usual case),
 * else undefined so the caller asks `parseUInt` itself.
 */
function digitsValue(b: Buffer, from: number, to: number): number | undefined {
  if (to <= from || to - from > 9) return undefined;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v;
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
