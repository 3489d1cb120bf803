/**
 * Value types of the SIP codec (RFC 3261 §7, §19, §20, §25). Plain data: every parser returns
 * these, every serializer takes them. Nothing here does I/O.
 */

/**
 * Generic parameters (`;name=value` / `;flag`). Keys are lower-cased (parameter names are
 * case-insensitive, §7.3.1); values are kept as written, quotes included, `null` for a flag.
 */
export type Params = Map<string, string | null>;

/** How a host was written: a domain name, an IPv4 literal, or an IPv6 reference (`[...]`). */
export type HostType = 'domain' | 'ipv4' | 'ipv6';

/**
 * A `sip:` or `sips:` URI (§19.1). `user` and `password` are unescaped; `host` of an IPv6
 * reference is held without brackets.
 */
export interface SipUri {
  readonly kind: 'sip';
  scheme: 'sip' | 'sips';
  user?: string;
  password?: string;
  host: string;
  hostType: HostType;
  port?: number;
  /** uri-parameters, lower-cased names, values unescaped. */
  params: Params;
  /** `?name=value&…` headers, names as written, values unescaped, in order. */
  headers: Array<[string, string]>;
}

/** A `tel:` URI (RFC 3966). */
export interface TelUri {
  readonly kind: 'tel';
  scheme: 'tel';
  /** The subscriber number as written (global `+…` or local), visual separators kept. */
  number: string;
  params: Params;
}

/** Any other absolute URI (RFC 3986), kept as written. */
export interface AbsoluteUri {
  readonly kind: 'absolute';
  /** Lower-cased scheme. */
  scheme: string;
  /** Everything after `scheme:`. */
  opaque: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

/** One Via header value (§20.42): `SIP/2.0/UDP host:port;branch=…`. */
export interface Via {
  /** `SIP/2.0` */
  protocol: string;
  /** Upper-cased transport token: `UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`, … */
  transport: string;
  host: string;
  hostType: HostType;
  port?: number;
  params: Params;
}

/** name-addr / addr-spec with header parameters: From, To, Contact, Route, Record-Route, Refer-To… */
export interface NameAddr {
  /** Unquoted, unescaped display name, if any. */
  displayName?: string;
  uri: Uri;
  params: Params;
}

/** CSeq (§20.16). `seq` is below 2^31. */
export interface CSeq {
  seq: number;
  method: string;
}

/** WWW-Authenticate / Proxy-Authenticate / Authorization / Proxy-Authorization value. */
export interface AuthValue {
  /** Auth scheme as written, e.g. `Digest`. */
  scheme: string;
  /** auth-params, lower-cased names, values unquoted and unescaped. */
  params: Map<string, string>;
}

/** A media type with parameters: Content-Type, Accept entries. */
export interface MediaType {
  /** Lower-cased `type/subtype`. */
  type: string;
  params: Params;
}

/** A value with parameters: Event, Content-Disposition, Session-Expires, Retry-After… */
export interface ValueWithParams {
  value: string;
  params: Params;
}

/** RAck (RFC 3262 §7.2). */
export interface RAck {
  rseq: number;
  cseq: number;
  method: string;
}

/** Where a codec error was found and what it was. */
export type SipParseErrorCode =
  | 'EMPTY'
  | 'MESSAGE_TOO_LARGE'
  | 'INCOMPLETE_HEADERS'
  | 'BAD_START_LINE'
  | 'BAD_VERSION'
  | 'BAD_METHOD'
  | 'BAD_REQUEST_URI'
  | 'BAD_STATUS_CODE'
  | 'BAD_HEADER'
  | 'TOO_MANY_HEADERS'
  | 'HEADER_TOO_LONG'
  | 'MISSING_HEADER'
  | 'BAD_VIA'
  | 'BAD_FROM'
  | 'BAD_TO'
  | 'BAD_CALL_ID'
  | 'BAD_CSEQ'
  | 'CSEQ_METHOD_MISMATCH'
  | 'BAD_MAX_FORWARDS'
  | 'BAD_CONTENT_LENGTH'
  | 'BODY_TRUNCATED';

/** Limits applied by the parser and the stream framer. */
export interface SipParseLimits {
  /** Largest message, headers and body, in bytes. Default 65,535. */
  maxMessageSize: number;
  /** Most header fields (lines after unfolding). Default 256. */
  maxHeaderCount: number;
  /** Longest single header field, name and value, in bytes. Default 8,192. */
  maxHeaderLength: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<SipParseLimits> = Object.freeze({
  maxMessageSize: 65535,
  maxHeaderCount: 256,
  maxHeaderLength: 8192,
});
