/** `parrot parse FILE|-`: prints a SIP message as JSON, or the parse error. */
import { readFileSync } from 'node:fs';
import { parseSipMessage, type SipMessage } from '../codecs/sip';

const TYPED: Record<string, (m: SipMessage) => unknown> = {
  via: (m) => m.via,
  from: (m) => m.from,
  to: (m) => m.to,
  'call-id': (m) => m.callId,
  cseq: (m) => m.cseq,
  'max-forwards': (m) => m.maxForwards,
  contact: (m) => m.contact,
  route: (m) => m.route,
  'record-route': (m) => m.recordRoute,
  'content-type': (m) => m.contentType,
  'content-length': (m) => m.contentLength,
  expires: (m) => m.expires,
  'min-expires': (m) => m.minExpires,
  allow: (m) => m.allow,
  supported: (m) => m.supported,
  require: (m) => m.require,
  'proxy-require': (m) => m.proxyRequire,
  unsupported: (m) => m.unsupported,
  accept: (m) => m.accept,
  'www-authenticate': (m) => m.wwwAuthenticate,
  'proxy-authenticate': (m) => m.proxyAuthenticate,
  authorization: (m) => m.authorization,
  'proxy-authorization': (m) => m.proxyAuthorization,
  event: (m) => m.event,
  'refer-to': (m) => m.referTo,
  rseq: (m) => m.rseq,
  rack: (m) => m.rack,
  'session-expires': (m) => m.sessionExpires,
  'min-se': (m) => m.minSE,
};

/** A JSON view of a message: start line, headers in order with typed values where known, body length. */
export function messageToJson(m: SipMessage): unknown {
  const start =
    m.type === 'request'
      ? { type: 'request', method: m.method, uri: m.uriText, parsedUri: m.uri }
      : { type: 'response', status: m.status, reason: m.reason };
  const seen = new Set<string>();
  const headers = m.headers.map((h) => {
    const typed = TYPED[h.key];
    const entry: Record<string, unknown> = { name: h.name, value: h.value };
    // A typed value covers every field of its header; show it once, on the first.
    if (typed && !seen.has(h.key)) entry['parsed'] = typed(m);
    seen.add(h.key);
    return entry;
  });
  return { ...start, headers, bodyLength: m.body.length };
}

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? Object.fromEntries(value as Map<string, unknown>) : value;
}

/** Runs the command; returns the process exit code. */
export function runParse(
  file: string | undefined,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): number {
  if (!file) {
    err.write('usage: parrot parse FILE   (or - for standard input)\n');
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    err.write(`error: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const r = parseSipMessage(bytes);
  if (!r.ok) {
    err.write(`error: ${r.error.code} at offset ${r.error.offset}: ${r.error.reason}\n`);
    return 1;
  }
  out.write(JSON.stringify(messageToJson(r.message), replacer, 2) + '\n');
  return 0;
}
