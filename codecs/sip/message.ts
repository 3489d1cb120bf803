/**
 * SIP messages (RFC 3261 §7): the message classes with typed, lazily parsed header accessors.
 * Parsing lives in `parse.ts`, serialization in `serialize.ts`.
 */
import { parseAuthValue } from './auth';
import { canonicalHeaderName, displayHeaderName, isToken, LIST_HEADERS, splitList } from './grammar';
import {
  parseCSeq,
  parseMediaType,
  parseMediaTypeList,
  parseNameAddr,
  parseNameAddrList,
  parseRAck,
  parseTokenList,
  parseUInt,
  parseValueWithParams,
  parseViaList,
  serializeCSeq,
  serializeNameAddr,
  serializeVia,
  tagOf,
} from './headers';
import type { AuthValue, CSeq, MediaType, NameAddr, Params, RAck, Uri, ValueWithParams, Via } from './types';
import { serializeUri } from './uri';

/** One header field line, unfolded. */
export interface HeaderField {
  /** The name as written on the wire (or the conventional spelling when built from the API). */
  name: string;
  /** Canonical name: lower-case long form (`v` and `VIA` are both `via`). */
  key: string;
  /** The value, folding replaced by a space, surrounding whitespace removed. */
  value: string;
  /**
   * The field exactly as received (name, colon, whitespace, folding), when that differs from
   * `name + ': ' + value`. Cleared when the field is changed, so unknown headers go back out
   * byte for byte.
   */
  raw?: string;
}

/** Session-Expires (RFC 4028 §4). */
export interface SessionExpires {
  seconds: number;
  refresher?: 'uac' | 'uas';
  params: Params;
}

const HOT = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

/** What both requests and responses have: headers, body, and typed accessors. */
export abstract class SipMessageBase {
  // Fields are assigned in the constructors (in declaration order) rather than initialised as
  // class fields: same own properties in the same order, cheaper to construct.

  /** Header fields in wire order. Change them through the methods below so caches stay right. */
  declare headers: HeaderField[];
  /** The body, zero-copy over the received bytes when parsed. */
  declare body: Buffer;

  /** @internal eagerly parsed hot headers, set by the parser or the setters */
  declare _via: Via[] | undefined;
  /** @internal */
  declare _from: NameAddr | undefined;
  /** @internal */
  declare _to: NameAddr | undefined;
  /** @internal */
  declare _callId: string | undefined;
  /** @internal */
  declare _cseq: CSeq | undefined;
  declare private cache: Map<string, unknown> | undefined;

  constructor(headers: HeaderField[], body: Buffer) {
    this.headers = headers;
    this.body = body;
    this._via = undefined;
    this._from = undefined;
    this._to = undefined;
    this._callId = undefined;
    this._cseq = undefined;
    this.cache = undefined;
  }

  // ---- raw header access --------------------------------------------------------------

  /**
   * The first value of a header (any spelling, compact forms too), or undefined.
   *
   * @example
   * msg.get('i') === msg.get('Call-ID')
   */
  get(name: string): string | undefined {
    const key = canonicalHeaderName(name);
    for (const h of this.headers) if (h.key === key) return h.value;
    return undefined;
  }

  /**
   * Every value of a header. For list headers (§7.3.1) comma-separated values are split, so
   * `Via: a, b` and two Via lines both give `['a', 'b']`.
   */
  getAll(name: string): string[] {
    const key = canonicalHeaderName(name);
    const out: string[] = [];
    const list = LIST_HEADERS.has(key);
    for (const h of this.headers) {
      if (h.key !== key) continue;
      if (list) for (const v of splitList(h.value)) out.push(v);
      else out.push(h.value);
    }
    return out;
  }

  /** True when the header is present. */
  has(name: string): boolean {
    const key = canonicalHeaderName(name);
    for (const h of this.headers) if (h.key === key) return true;
    return false;
  }

  /** Replaces every field of a header by one field (at the first one's place, else at the end). */
  set(name: string, value: string | string[]): this {
    const key = canonicalHeaderName(name);
    const values = Array.isArray(value) ? value : [value];
    const display = name.length === 1 || name === key ? displayHeaderName(key) : name;
    const idx = this.headers.findIndex((h) => h.key === key);
    const fresh = values.map((v) => ({ name: display, key, value: v }));
    if (idx < 0) {
      this.headers.push(...fresh);
    } else {
      const rest = this.headers.filter((h, i) => i < idx || h.key !== key);
      rest.splice(idx, 0, ...fresh);
      this.headers = rest;
    }
    this.invalidate(key);
    return this;
  }

  /** Adds a header field after the others (or before every field of that name with `prepend`). */
  append(name: string, value: string, prepend = false): this {
    const key = canonicalHeaderName(name);
    const field: HeaderField = { name: name === key ? displayHeaderName(key) : name, key, value };
    if (prepend) {
      const idx = this.headers.findIndex((h) => h.key === key);
      if (idx < 0) this.headers.unshift(field);
      else this.headers.splice(idx, 0, field);
    } else {
      this.headers.push(field);
    }
    this.invalidate(key);
    return this;
  }

  /** Removes every field of a header. */
  remove(name: string): this {
    const key = canonicalHeaderName(name);
    this.headers = this.headers.filter((h) => h.key !== key);
    this.invalidate(key);
    return this;
  }

  /** @internal drop cached typed values of a header after a change */
  protected invalidate(key: string): void {
    if (HOT.has(key)) {
      if (key === 'via') this._via = undefined;
      else if (key === 'from') this._from = undefined;
      else if (key === 'to') this._to = undefined;
      else if (key === 'call-id') this._callId = undefined;
      else this._cseq = undefined;
    }
    this.cache?.delete(key);
  }

  private typed<T>(key: string, parse: (values: string[]) => T | undefined): T | undefined {
    const cache = this.cache;
    if (cache !== undefined && cache.has(key)) return cache.get(key) as T | undefined;
    const values: string[] = [];
    const headers = this.headers;
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i]!;
      if (h.key === key) values.push(h.value);
    }
    const v = values.length ? parse(values) : undefined;
    (this.cache ??= new Map()).set(key, v);
    return v;
  }

  /** {@link typed} for a header read from its first value only. */
  private typedFirst<T>(key: string, parse: (value: string) => T | undefined): T | undefined {
    const cache = this.cache;
    if (cache !== undefined && cache.has(key)) return cache.get(key) as T | undefined;
    let v: T | undefined;
    const headers = this.headers;
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i]!;
      if (h.key === key) {
        v = parse(h.value);
        break;
      }
    }
    (this.cache ??= new Map()).set(key, v);
    return v;
  }

  // ---- hot headers: always valid on a parsed message ------------------------------------

  /** All Via values, top first (§20.42). */
  get via(): Via[] {
    if (this._via === undefined) {
      const out: Via[] = [];
      for (const h of this.headers) {
        if (h.key !== 'via') continue;
        const vs = parseViaList(h.value);
        if (vs) for (const v of vs) out.push(v);
      }
      this._via = out;
    }
    return this._via;
  }

  /** Replaces every Via by these values (one field each). */
  set via(vias: Via[]) {
    this.set(
      'Via',
      vias.map((v) => serializeVia(v)),
    );
    this._via = vias;
  }

  /** The top Via; undefined only on a message built without one. */
  get topVia(): Via | undefined {
    return this.via[0];
  }

  /** From (§20.20). */
  get from(): NameAddr {
    return (this._from ??= parseNameAddr(this.get('from') ?? '') ?? EMPTY_NAME_ADDR);
  }

  set from(v: NameAddr) {
    this.set('From', serializeNameAddr(v));
    this._from = v;
  }

  /** To (§20.39). */
  get to(): NameAddr {
    return (this._to ??= parseNameAddr(this.get('to') ?? '') ?? EMPTY_NAME_ADDR);
  }

  set to(v: NameAddr) {
    this.set('To', serializeNameAddr(v));
    this._to = v;
  }

  /** The From tag. */
  get fromTag(): string | undefined {
    return tagOf(this.from);
  }

  /** The To tag. */
  get toTag(): string | undefined {
    return tagOf(this.to);
  }

  /** Call-ID (§20.8). */
  get callId(): string {
    return (this._callId ??= this.get('call-id') ?? '');
  }

  set callId(v: string) {
    this.set('Call-ID', v);
    this._callId = v;
  }

  /** CSeq (§20.16). */
  get cseq(): CSeq {
    return (this._cseq ??= parseCSeq(this.get('cseq') ?? '') ?? { seq: 0, method: '' });
  }

  set cseq(v: CSeq) {
    this.set('CSeq', serializeCSeq(v));
    this._cseq = v;
  }

  // ---- lazily parsed headers: undefined when absent or malformed ---------------------------

  /** Max-Forwards (§20.22). */
  get maxForwards(): number | undefined {
    return this.typedFirst('max-forwards', parseUInt);
  }

  /** Contact (§20.10): `'*'` for the REGISTER wildcard, else the list of contacts. */
  get contact(): NameAddr[] | '*' | undefined {
    return this.typed('contact', parseContact);
  }

  /** Route (§20.34), empty when absent; undefined when malformed. */
  get route(): NameAddr[] | undefined {
    return this.nameAddrs('route');
  }

  /** Record-Route (§20.30), empty when absent; undefined when malformed. */
  get recordRoute(): NameAddr[] | undefined {
    return this.nameAddrs('record-route');
  }

  private nameAddrs(key: string): NameAddr[] | undefined {
    if (!this.has(key)) return [];
    return this.typed(key, parseNameAddrs);
  }

  private tokens(key: string): string[] {
    return this.typed(key, parseTokens) ?? [];
  }

  /** Content-Type (§20.15). */
  get contentType(): MediaType | undefined {
    return this.typedFirst('content-type', parseMediaType);
  }

  /** The body length in bytes (what Content-Length says on the wire). */
  get contentLength(): number {
    return this.body.length;
  }

  /** Expires (§20.19), delta-seconds. */
  get expires(): number | undefined {
    return this.typedFirst('expires', parseUInt);
  }

  /** Min-Expires (§20.23). */
  get minExpires(): number | undefined {
    return this.typedFirst('min-expires', parseUInt);
  }

  /** Allow (§20.5). */
  get allow(): string[] {
    return this.tokens('allow');
  }

  /** Supported (§20.37). */
  get supported(): string[] {
    return this.tokens('supported');
  }

  /** Require (§20.32). */
  get require(): string[] {
    return this.tokens('require');
  }

  /** Proxy-Require (§20.29). */
  get proxyRequire(): string[] {
    return this.tokens('proxy-require');
  }

  /** Unsupported (§20.40). */
  get unsupported(): string[] {
    return this.tokens('unsupported');
  }

  /** Accept (§20.1). */
  get accept(): MediaType[] | undefined {
    return this.typed('accept', parseMediaTypes);
  }

  private auths(key: string): AuthValue[] {
    return this.typed(key, parseAuths) ?? [];
  }

  /** WWW-Authenticate challenges (§20.44). */
  get wwwAuthenticate(): AuthValue[] {
    return this.auths('www-authenticate');
  }

  /** Proxy-Authenticate challenges (§20.27). */
  get proxyAuthenticate(): AuthValue[] {
    return this.auths('proxy-authenticate');
  }

  /** Authorization credentials (§20.7). */
  get authorization(): AuthValue[] {
    return this.auths('authorization');
  }

  /** Proxy-Authorization credentials (§20.28). */
  get proxyAuthorization(): AuthValue[] {
    return this.auths('proxy-authorization');
  }

  /** Event (RFC 6665 §8.2.1). */
  get event(): ValueWithParams | undefined {
    return this.typedFirst('event', parseValueWithParams);
  }

  /** Refer-To (RFC 3515 §2.1). */
  get referTo(): NameAddr | undefined {
    return this.typedFirst('refer-to', parseNameAddr);
  }

  /** RSeq (RFC 3262 §7.1). */
  get rseq(): number | undefined {
    return this.typedFirst('rseq', parseRSeq);
  }

  /** RAck (RFC 3262 §7.2). */
  get rack(): RAck | undefined {
    return this.typedFirst('rack', parseRAck);
  }

  /** Session-Expires (RFC 4028 §4). */
  get sessionExpires(): SessionExpires | undefined {
    return this.typedFirst('session-expires', parseSessionExpires);
  }

  /** Min-SE (RFC 4028 §5). */
  get minSE(): number | undefined {
    return this.typedFirst('min-se', parseMinSE);
  }
}

// Parsers of the typed accessors: module functions rather than closures made on every call.

function parseContact(values: string[]): NameAddr[] | '*' | undefined {
  if (values.length === 1 && values[0]!.trim() === '*') return '*';
  return parseNameAddrs(values);
}

function parseNameAddrs(values: string[]): NameAddr[] | undefined {
  // One line: its list is already a fresh array.
  if (values.length === 1) return parseNameAddrList(values[0]!);
  const out: NameAddr[] = [];
  for (const v of values) {
    const list = parseNameAddrList(v);
    if (!list) return undefined;
    for (const x of list) out.push(x);
  }
  return out;
}

function parseTokens(values: string[]): string[] | undefined {
  const out: string[] = [];
  for (const v of values) {
    const list = parseTokenList(v);
    if (!list) return undefined;
    for (const x of list) out.push(x);
  }
  return out;
}

function parseMediaTypes(values: string[]): MediaType[] | undefined {
  const out: MediaType[] = [];
  for (const v of values) {
    const list = parseMediaTypeList(v);
    if (!list) return undefined;
    for (const x of list) out.push(x);
  }
  return out;
}

function parseAuths(values: string[]): AuthValue[] | undefined {
  const out: AuthValue[] = [];
  for (const v of values) {
    const a = parseAuthValue(v);
    if (!a) return undefined;
    out.push(a);
  }
  return out;
}

function parseRSeq(value: string): number | undefined {
  const n = parseUInt(value);
  return n !== undefined && n >= 1 ? n : undefined;
}

function parseSessionExpires(value: string): SessionExpires | undefined {
  const p = parseValueWithParams(value);
  const seconds = p ? parseUInt(p.value) : undefined;
  if (!p || seconds === undefined) return undefined;
  const r = p.params.get('refresher');
  const se: SessionExpires = { seconds, params: p.params };
  if (r === 'uac' || r === 'uas') se.refresher = r;
  return se;
}

function parseMinSE(value: string): number | undefined {
  const p = parseValueWithParams(value);
  return p ? parseUInt(p.value) : undefined;
}

const EMPTY_NAME_ADDR: NameAddr = Object.freeze({
  uri: Object.freeze({ kind: 'absolute' as const, scheme: '', opaque: '' }),
  params: new Map(),
});

/** A SIP request (§7.1). */
export class SipRequest extends SipMessageBase {
  declare readonly type: 'request';
  /** The method token, case-sensitive (§7.1): `INVITE`, `BYE`, or any extension. */
  declare method: string;
  declare private uriValue: Uri;
  declare private uriString: string | undefined;

  constructor(
    method: string,
    uri: Uri,
    headers: HeaderField[] = [],
    body: Buffer = EMPTY_BODY,
    uriText?: string,
  ) {
    super(headers, body);
    this.type = 'request';
    this.method = method;
    this.uriValue = uri;
    this.uriString = uriText;
  }

  /** The Request-URI (§7.1). */
  get uri(): Uri {
    return this.uriValue;
  }

  set uri(u: Uri) {
    this.uriValue = u;
    this.uriString = undefined;
  }

  /** The Request-URI as it goes on the wire. */
  get uriText(): string {
    return (this.uriString ??= serializeUri(this.uriValue));
  }
}

/** A SIP response (§7.2). */
export class SipResponse extends SipMessageBase {
  declare readonly type: 'response';
  /** Status-Code, 100–699. */
  declare status: number;
  /** Reason-Phrase, as written. */
  declare reason: string;

  constructor(status: number, reason: string, headers: HeaderField[] = [], body: Buffer = EMPTY_BODY) {
    super(headers, body);
    this.type = 'response';
    this.status = status;
    this.reason = reason;
  }
}

/** A request or a response. */
export type SipMessage = SipRequest | SipResponse;

/** A zero-length body shared by messages without one. */
export const EMPTY_BODY: Buffer = Buffer.alloc(0);

/** True when `s` is a valid method token. */
export function isMethod(s: string): boolean {
  return isToken(s);
}
