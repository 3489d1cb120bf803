/**
 * The SIP codec: parse, serialize, build, and the typed header values. The byte scanners behind
 * the parser's fast path (`scanVia`, `scanSipUri` …) are internal and not exported here.
 */
export * from './types';
export {
  isTokenChar,
  isToken,
  isWs,
  skipWs,
  endOfQuoted,
  unquote,
  quote,
  splitList,
  parseParams,
  serializeParams,
  paramValue,
  COMPACT_OF,
  canonicalHeaderName,
  displayHeaderName,
  LIST_HEADERS,
} from './grammar';
export {
  MAX_CSEQ,
  parseVia,
  parseViaList,
  serializeVia,
  parseNameAddr,
  serializeNameAddr,
  parseNameAddrList,
  parseCSeq,
  serializeCSeq,
  parseUInt,
  parseTokenList,
  parseMediaType,
  serializeMediaType,
  parseMediaTypeList,
  parseValueWithParams,
  serializeValueWithParams,
  parseRAck,
  serializeRAck,
  tagOf,
  cloneParams,
} from './headers';
export {
  unescapePercent,
  escapePercent,
  parseHostPort,
  formatHost,
  parseUri,
  serializeUri,
  uriEquals,
} from './uri';
export type { UriComponent } from './uri';
export * from './auth';
export * from './multipart';
export * from './message';
export * from './parse';
export * from './serialize';
export * from './reasons';
export * from './transactionMessages';
