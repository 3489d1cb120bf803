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
    if (!/^SIP\/\d+\.\d+$/i.test(version))
      return fail('BAD_START_LINE', byteOffset(sp2 + 1), 'no SIP-Version');
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
  if (!callId.length || /[\s]/.test(callId))
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

  function fail(
    code: SipParseErrorCode,
    offset: number,
    reason: string,
    partial?: SipMessage,
  ): SipParseResult {
    const error: SipParseError = { code, offset, reason };
    if (partial) error.partial = partial;
    return { ok: false, error };
  }
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
