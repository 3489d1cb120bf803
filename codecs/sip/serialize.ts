/**
 * Serializing SIP messages and building them from the API (RFC 3261 §7, §8.1.1, §8.2.6).
 */
import { randomBytes } from 'node:crypto';
import { displayHeaderName, canonicalHeaderName } from './grammar';
import { serializeCSeq, serializeNameAddr, serializeVia } from './headers';
import { EMPTY_BODY, type HeaderField, type SipMessage, SipRequest, SipResponse } from './message';
import { reasonPhrase } from './reasons';
import type { NameAddr, Uri, Via } from './types';
import { parseUri } from './uri';

/**
 * The bytes of a message. Unchanged received fields go out byte for byte; Content-Length is
 * always written and always equals the body length (added at the end when absent).
 *
 * @example
 * socket.send(serializeSipMessage(createResponse(request, 200)));
 */
export function serializeSipMessage(m: SipMessage): Buffer {
  let s =
    m.type === 'request'
      ? m.method + ' ' + m.uriText + ' SIP/2.0\r\n'
      : 'SIP/2.0 ' + m.status + ' ' + m.reason + '\r\n';
  const bodyLen = m.body.length;
  let sawLength = false;
  for (const h of m.headers) {
    if (h.key === 'content-length') {
      if (sawLength) continue;
      sawLength = true;
      s +=
        h.raw !== undefined && h.value === String(bodyLen)
          ? h.raw + '\r\n'
          : h.name + ': ' + bodyLen + '\r\n';
      continue;
    }
    s += (h.raw ?? h.name + ': ' + h.value) + '\r\n';
  }
  if (!sawLength) s += 'Content-Length: ' + bodyLen + '\r\n';
  s += '\r\n';
  if (bodyLen === 0) return Buffer.from(s, 'utf8');
  const headLen = Buffer.byteLength(s, 'utf8');
  const out = Buffer.allocUnsafe(headLen + bodyLen);
  out.write(s, 0, 'utf8');
  m.body.copy(out, headLen);
  return out;
}

/** Headers given to a builder: pairs in order, or a record (arrays give several fields). */
export type HeaderInput = Array<[string, string]> | Record<string, string | string[]>;

function appendHeaders(fields: HeaderField[], input: HeaderInput | undefined): void {
  if (!input) return;
  const pairs: Array<[string, string]> = Array.isArray(input)
    ? input
    : Object.entries(input).flatMap(([k, v]) =>
        Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]],
      );
  for (const [name, value] of pairs) {
    const key = canonicalHeaderName(name);
    fields.push({ name: name.length === 1 ? displayHeaderName(key) : name, key, value });
  }
}

function field(key: string, value: string): HeaderField {
  return { name: displayHeaderName(key), key, value };
}

/** A fresh RFC 3261 branch: the magic cookie `z9hG4bK` and 80 random bits (§8.1.1.7). */
export function newBranch(): string {
  return 'z9hG4bK' + randomToken(10);
}

/** A fresh tag for From/To (§19.3: at least 32 bits of randomness). */
export function newTag(): string {
  return randomToken(8);
}

/** A fresh Call-ID (§8.1.1.4), globally unique; `host` is appended when given. */
export function newCallId(host?: string): string {
  const id = randomToken(16);
  return host ? id + '@' + host : id;
}

const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolPos = 0;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `bytes` random bytes as URL-safe token characters (one character per byte, ~5.95 bits each). */
function randomToken(bytes: number): string {
  if (poolPos + bytes > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolPos = 0;
  }
  let s = '';
  for (let i = 0; i < bytes; i++) s += ALPHABET[pool[poolPos++]! % 62];
  return s;
}

function toUri(u: Uri | string): Uri {
  if (typeof u !== 'string') return u;
  const parsed = parseUri(u);
  if (!parsed) throw new TypeError(`invalid URI: ${u}`);
  return parsed;
}

function toNameAddr(v: NameAddr | string): NameAddr {
  if (typeof v !== 'string') return v;
  return { uri: toUri(v.startsWith('<') ? v.slice(1, v.indexOf('>')) : v), params: new Map() };
}

/** What `createRequest` needs. */
export interface RequestInit {
  method: string;
  uri: Uri | string;
  from: NameAddr | string;
  to: NameAddr | string;
  /** Default: a fresh Call-ID. */
  callId?: string;
  /** Default 1. */
  cseq?: number;
  /** Default: none; the transport adds its own top Via when it sends a client request. */
  via?: Via[];
  /** Default 70 (§8.1.1.6). */
  maxForwards?: number;
  contact?: NameAddr | string;
  route?: NameAddr[];
  headers?: HeaderInput;
  body?: Buffer | string;
  contentType?: string;
}

/**
 * Builds a request with the mandatory headers of §8.1.1 in the usual order. A From without a
 * tag gets a fresh one.
 *
 * @example
 * const req = createRequest({ method: 'OPTIONS', uri: 'sip:bob@biloxi.com', from: 'sip:alice@atlanta.com', to: 'sip:bob@biloxi.com' });
 */
export function createRequest(init: RequestInit): SipRequest {
  const uri = toUri(init.uri);
  const given = toNameAddr(init.from);
  // §8.1.1.3: the From tag is fresh for a new request; the caller's object is not changed.
  const from = given.params.has('tag')
    ? given
    : { ...given, params: new Map(given.params).set('tag', newTag()) };
  const to = toNameAddr(init.to);
  const callId = init.callId ?? newCallId();
  const cseq = { seq: init.cseq ?? 1, method: init.method };
  const fields: HeaderField[] = [];
  for (const v of init.via ?? []) fields.push(field('via', serializeVia(v)));
  fields.push(field('max-forwards', String(init.maxForwards ?? 70)));
  for (const r of init.route ?? []) fields.push(field('route', serializeNameAddr(r)));
  fields.push(field('to', serializeNameAddr(to)));
  fields.push(field('from', serializeNameAddr(from)));
  fields.push(field('call-id', callId));
  fields.push(field('cseq', serializeCSeq(cseq)));
  if (init.contact) fields.push(field('contact', serializeNameAddr(toNameAddr(init.contact))));
  appendHeaders(fields, init.headers);
  const body = typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : (init.body ?? EMPTY_BODY);
  if (init.contentType) fields.push(field('content-type', init.contentType));
  const req = new SipRequest(init.method, uri, fields, body);
  req._via = init.via ?? [];
  req._from = from;
  req._to = to;
  req._callId = callId;
  req._cseq = cseq;
  return req;
}

/** Options of `createResponse`. */
export interface ResponseInit {
  reason?: string;
  /** Tag to add to To when the request's To has none (required for responses other than 100, §8.2.6.2). */
  toTag?: string;
  headers?: HeaderInput;
  body?: Buffer | string;
  contentType?: string;
}

/**
 * Builds a response to `req` per §8.2.6: Via (all, in order), From, To, Call-ID and CSeq are
 * copied; Timestamp is copied for 100 Trying (§8.2.6.1); `toTag` is added to a To without one.
 *
 * @example
 * const ok = createResponse(invite, 200, { toTag: newTag(), body: sdp, contentType: 'application/sdp' });
 */
export function createResponse(req: SipRequest, status: number, init?: ResponseInit): SipResponse {
  const fields: HeaderField[] = [];
  let to: HeaderField | undefined;
  for (const h of req.headers) {
    const k = h.key;
    if (
      k === 'via' ||
      k === 'from' ||
      k === 'call-id' ||
      k === 'cseq' ||
      (k === 'timestamp' && status === 100)
    )
      fields.push(h);
    else if (k === 'to') fields.push((to = h));
  }
  let toValue = req._to;
  const toTag = init?.toTag;
  if (to && toTag !== undefined && req.toTag === undefined) {
    const idx = fields.indexOf(to);
    fields[idx] = { name: to.name, key: 'to', value: to.value + ';tag=' + toTag };
    if (toValue) toValue = { ...toValue, params: new Map(toValue.params).set('tag', toTag) };
  }
  appendHeaders(fields, init?.headers);
  const body = typeof init?.body === 'string' ? Buffer.from(init.body, 'utf8') : (init?.body ?? EMPTY_BODY);
  if (init?.contentType) fields.push(field('content-type', init.contentType));
  const res = new SipResponse(status, init?.reason ?? reasonPhrase(status), fields, body);
  res._via = req._via;
  res._from = req._from;
  res._to = toValue;
  res._callId = req._callId;
  res._cseq = req._cseq;
  return res;
}
