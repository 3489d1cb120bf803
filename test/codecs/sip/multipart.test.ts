import fc from 'fast-check';
import { buildMultipart, splitMultipart, type MultipartPart } from '../../../codecs/sip/multipart';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n';
const ISUP = Buffer.from([
  0x01, 0x00, 0x49, 0x00, 0x00, 0x03, 0x02, 0x00, 0x07, 0x04, 0x10, 0x00, 0x33, 0x63, 0x21, 0x43, 0x00,
]);

/** An SDP + ISUP body in the style of RFC 3204 §4 / SIP-I, with a preamble and an epilogue. */
const sipIBody = (eol = '\r\n'): Buffer =>
  Buffer.concat([
    Buffer.from(
      `This is a preamble.${eol}` +
        `--unique-boundary-1${eol}` +
        `Content-Type: application/sdp${eol}` +
        `${eol}` +
        SDP.replace(/\r\n/g, eol) +
        `${eol}--unique-boundary-1${eol}` +
        `Content-Type: application/ISUP; version=nxv3; base=etsi121${eol}` +
        `Content-Disposition: signal; handling=optional${eol}` +
        `${eol}`,
      'latin1',
    ),
    ISUP,
    Buffer.from(`${eol}--unique-boundary-1--${eol}This is an epilogue.${eol}`, 'latin1'),
  ]);

const text = (p: MultipartPart | undefined): string | undefined => p?.body.toString('latin1');

describe('splitMultipart', () => {
  it('splits an SDP + ISUP body, ignoring preamble and epilogue', () => {
    const parts = splitMultipart(sipIBody(), 'multipart/mixed;boundary=unique-boundary-1');
    expect(parts).toHaveLength(2);
    expect(parts?.[0]?.headers).toEqual([['Content-Type', 'application/sdp']]);
    expect(text(parts?.[0])).toBe(SDP);
    expect(parts?.[1]?.headers).toEqual([
      ['Content-Type', 'application/ISUP; version=nxv3; base=etsi121'],
      ['Content-Disposition', 'signal; handling=optional'],
    ]);
    expect(parts?.[1]?.body.equals(ISUP)).toBe(true);
  });

  it('gives part bodies as zero-copy views of the input', () => {
    const body = sipIBody();
    const parts = splitMultipart(body, 'multipart/mixed;boundary=unique-boundary-1')!;
    for (const p of parts) {
      expect(p.body.buffer).toBe(body.buffer);
      expect(p.body.byteOffset).toBeGreaterThanOrEqual(body.byteOffset);
      expect(p.body.byteOffset + p.body.length).toBeLessThanOrEqual(body.byteOffset + body.length);
    }
  });

  it('accepts bare LF line endings', () => {
    const parts = splitMultipart(sipIBody('\n'), 'multipart/mixed;boundary=unique-boundary-1');
    expect(parts).toHaveLength(2);
    expect(text(parts?.[0])).toBe(SDP.replace(/\r\n/g, '\n'));
    expect(parts?.[1]?.headers[1]).toEqual(['Content-Disposition', 'signal; handling=optional']);
    expect(parts?.[1]?.body.equals(ISUP)).toBe(true);
  });

  it('takes only the line break before a delimiter, leaving the body its own trailing CRLF', () => {
    const body = Buffer.from('--b\r\n\r\nline\r\n\r\n--b\r\n\r\nx\n\r\n--b--');
    expect(splitMultipart(body, 'multipart/mixed; boundary=b')?.map(text)).toEqual(['line\r\n', 'x\n']);
  });

  it('reads the boundary quoted, among other params, in any case, with spaces', () => {
    const body = Buffer.from('--a b:c?\r\nContent-Type: text/plain\r\n\r\nhi\r\n--a b:c?--\r\n');
    for (const ct of [
      'multipart/mixed; boundary="a b:c?"',
      'Multipart/Related ; type="application/sdp"; BOUNDARY = "a b:c?" ; start=x',
      'multipart/alternative;charset=utf-8;boundary="a b:c?"',
    ]) {
      const parts = splitMultipart(body, ct);
      expect(parts?.map(text)).toEqual(['hi']);
    }
  });

  it('reads an unquoted boundary and unescapes a quoted one', () => {
    const body = Buffer.from('--x"y\r\n\r\nz\r\n--x"y--');
    expect(splitMultipart(body, 'multipart/mixed;boundary="x\\"y"')?.map(text)).toEqual(['z']);
    const plain = Buffer.from('--simple\r\n\r\nz\r\n--simple--');
    expect(splitMultipart(plain, 'multipart/mixed;boundary=simple')?.map(text)).toEqual(['z']);
  });

  it('allows transport padding after the boundary', () => {
    const body = Buffer.from('--b \t \r\nA: 1\r\n\r\none\r\n--b\t\r\n\r\ntwo\r\n--b--  \r\n');
    expect(splitMultipart(body, 'multipart/mixed;boundary=b')?.map(text)).toEqual(['one', 'two']);
  });

  it('does not take lines that merely start with the boundary, or boundaries mid-line, as delimiters', () => {
    const body = Buffer.from('--b\r\n\r\n--bx\r\nnot --b\r\n--b-\r\n--b--');
    const parts = splitMultipart(body, 'multipart/mixed;boundary=b');
    expect(parts?.map(text)).toEqual(['--bx\r\nnot --b\r\n--b-']);
  });

  it('unfolds folded header lines', () => {
    const body = Buffer.from(
      '--b\r\nContent-Type: application/sdp;\r\n  charset=utf-8\r\nX-A:  1 \r\n\r\nv=0\r\n--b--',
    );
    const parts = splitMultipart(body, 'multipart/mixed;boundary=b');
    expect(parts?.[0]?.headers).toEqual([
      ['Content-Type', 'application/sdp; charset=utf-8'],
      ['X-A', '1'],
    ]);
  });

  it('keeps header names as written and reads values with or without a space after the colon', () => {
    const body = Buffer.from('--b\r\ncontent-TYPE:text/plain\r\nX-Empty:\r\n\r\nhi\r\n--b--');
    expect(splitMultipart(body, 'multipart/mixed;boundary=b')?.[0]?.headers).toEqual([
      ['content-TYPE', 'text/plain'],
      ['X-Empty', ''],
    ]);
  });

  it('reads a part without headers, a part without a body, and an empty part', () => {
    const body = Buffer.from('--b\r\n\r\nno headers\r\n--b\r\nContent-Type: text/plain\r\n--b\r\n\r\n--b--');
    const parts = splitMultipart(body, 'multipart/mixed;boundary=b');
    expect(parts).toEqual([
      { headers: [], body: Buffer.from('no headers') },
      { headers: [['Content-Type', 'text/plain']], body: Buffer.alloc(0) },
      { headers: [], body: Buffer.alloc(0) },
    ]);
  });

  it('keeps binary bytes, CR, LF and NUL inside bodies untouched', () => {
    const bin = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x0d, 0x80, 0x0a]);
    const body = Buffer.concat([Buffer.from('--b\r\n\r\n'), bin, Buffer.from('\r\n--b--')]);
    expect(splitMultipart(body, 'multipart/mixed;boundary=b')?.[0]?.body.equals(bin)).toBe(true);
  });

  it('returns a nested multipart as one part that can be split in turn', () => {
    const inner = buildMultipart(
      [
        { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(SDP) },
        { headers: [['Content-Type', 'text/plain']], body: Buffer.from('alt') },
      ],
      'inner',
      'alternative',
    );
    const outer = buildMultipart(
      [
        { headers: [['Content-Type', inner.contentType]], body: inner.body },
        { headers: [['Content-Type', 'application/isup']], body: ISUP },
      ],
      'outer',
    );
    const parts = splitMultipart(outer.body, outer.contentType)!;
    expect(parts).toHaveLength(2);
    const ct = parts[0]!.headers[0]![1];
    expect(ct).toBe('multipart/alternative;boundary=inner');
    expect(splitMultipart(parts[0]!.body, ct)?.map(text)).toEqual([SDP, 'alt']);
  });

  it('tolerates a delimiter right after the previous delimiter line, as an empty part', () => {
    const body = Buffer.from('--b\r\n--b\r\n\r\nx\r\n--b--');
    expect(splitMultipart(body, 'multipart/mixed;boundary=b')?.map(text)).toEqual(['', 'x']);
  });

  it.each([
    ['a non-multipart type', 'application/sdp;boundary=b', '--b\r\n\r\nx\r\n--b--'],
    ['a type without subtype', 'multipart;boundary=b', '--b\r\n\r\nx\r\n--b--'],
    ['no boundary', 'multipart/mixed', '--b\r\n\r\nx\r\n--b--'],
    ['an empty boundary', 'multipart/mixed;boundary=""', '--\r\n\r\nx\r\n----'],
    ['an unterminated quoted boundary', 'multipart/mixed;boundary="b', '--b\r\n\r\nx\r\n--b--'],
    ['a boundary named twice', 'multipart/mixed;boundary=b;boundary=c', '--b\r\n\r\nx\r\n--b--'],
    ['a param without a value', 'multipart/mixed;foo;boundary=b', '--b\r\n\r\nx\r\n--b--'],
    ['no delimiter at all', 'multipart/mixed;boundary=b', 'just text'],
    ['no close delimiter', 'multipart/mixed;boundary=b', '--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n'],
    ['a truncated body', 'multipart/mixed;boundary=b', '--b\r\nContent-Type: text/pl'],
    ['a close delimiter and no part', 'multipart/mixed;boundary=b', 'preamble\r\n--b--\r\n'],
    ['a header line without a colon', 'multipart/mixed;boundary=b', '--b\r\nnot a header\r\n\r\nx\r\n--b--'],
    ['a header with an empty name', 'multipart/mixed;boundary=b', '--b\r\n: v\r\n\r\nx\r\n--b--'],
    ['a header name with a space', 'multipart/mixed;boundary=b', '--b\r\nA B: v\r\n\r\nx\r\n--b--'],
    ['a continuation line first', 'multipart/mixed;boundary=b', '--b\r\n  folded\r\n\r\nx\r\n--b--'],
    ['an empty body', 'multipart/mixed;boundary=b', ''],
  ])('returns undefined for %s', (_label, ct, body) => {
    expect(splitMultipart(Buffer.from(body), ct)).toBeUndefined();
  });

  it('never throws on arbitrary bytes and content types', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string(), (bytes, ct) => {
        splitMultipart(Buffer.from(bytes), ct);
        splitMultipart(Buffer.from(bytes), `multipart/mixed;boundary=${ct}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on bodies built from multipart fragments, and any parts lie inside the input', () => {
    const fragment = fc.constantFrom('--b', '--', 'b', '\r\n', '\n', '\r', ' ', 'A: 1', ':', '\t', 'x');
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (frags) => {
        const body = Buffer.from(frags.join(''));
        const parts = splitMultipart(body, 'multipart/mixed;boundary=b');
        for (const p of parts ?? []) {
          expect(p.body.buffer).toBe(body.buffer);
          expect(p.body.byteOffset + p.body.length).toBeLessThanOrEqual(body.byteOffset + body.length);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('buildMultipart', () => {
  it('writes the exact RFC 2046 layout with CRLF line endings', () => {
    const { body, contentType } = buildMultipart(
      [
        { headers: [['Content-Type', 'application/sdp']], body: Buffer.from('v=0\r\n') },
        {
          headers: [
            ['Content-Type', 'application/isup;version=itu-t92+'],
            ['Content-Disposition', 'signal;handling=optional'],
          ],
          body: Buffer.from([1, 2, 3]),
        },
      ],
      'unique-boundary-1',
    );
    expect(contentType).toBe('multipart/mixed;boundary=unique-boundary-1');
    expect(body.toString('latin1')).toBe(
      '--unique-boundary-1\r\n' +
        'Content-Type: application/sdp\r\n' +
        '\r\n' +
        'v=0\r\n' +
        '\r\n--unique-boundary-1\r\n' +
        'Content-Type: application/isup;version=itu-t92+\r\n' +
        'Content-Disposition: signal;handling=optional\r\n' +
        '\r\n' +
        '\x01\x02\x03' +
        '\r\n--unique-boundary-1--\r\n',
    );
  });

  it('generates a random 32-hex-digit boundary when none is given', () => {
    const a = buildMultipart([{ headers: [], body: Buffer.from('x') }]);
    const b = buildMultipart([{ headers: [], body: Buffer.from('x') }]);
    expect(a.contentType).toMatch(/^multipart\/mixed;boundary=[0-9a-f]{32}$/);
    expect(a.contentType).not.toBe(b.contentType);
  });

  it('quotes a boundary that is not a token and uses the given subtype', () => {
    const { contentType, body } = buildMultipart(
      [{ headers: [], body: Buffer.from('x') }],
      'a b?',
      'related',
    );
    expect(contentType).toBe('multipart/related;boundary="a b?"');
    expect(splitMultipart(body, contentType)?.map(text)).toEqual(['x']);
  });

  it.each<[string, () => unknown]>([
    ['no parts', () => buildMultipart([], 'b')],
    ['an empty boundary', () => buildMultipart([{ headers: [], body: Buffer.alloc(0) }], '')],
    [
      'a boundary of 71 characters',
      () => buildMultipart([{ headers: [], body: Buffer.alloc(0) }], 'x'.repeat(71)),
    ],
    ['a boundary ending in a space', () => buildMultipart([{ headers: [], body: Buffer.alloc(0) }], 'b ')],
    ['a boundary with a quote', () => buildMultipart([{ headers: [], body: Buffer.alloc(0) }], 'a"b')],
    [
      'a boundary found in a body',
      () => buildMultipart([{ headers: [], body: Buffer.from('x\r\n--b\r\n') }], 'b'),
    ],
    [
      'a boundary found in a header',
      () => buildMultipart([{ headers: [['X-A', '--b']], body: Buffer.alloc(0) }], 'b'),
    ],
    [
      'a header name that is not a token',
      () => buildMultipart([{ headers: [['X A', 'v']], body: Buffer.alloc(0) }]),
    ],
    [
      'CR LF in a header value',
      () => buildMultipart([{ headers: [['X-A', 'v\r\nX-B: w']], body: Buffer.alloc(0) }]),
    ],
    [
      'a subtype that is not a token',
      () => buildMultipart([{ headers: [], body: Buffer.alloc(0) }], 'b', 'a/b'),
    ],
  ])('throws RangeError for %s', (_label, build) => {
    expect(build).toThrow(RangeError);
  });

  it('round-trips generated parts through splitMultipart', () => {
    const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
    const headerValue = fc.string({ maxLength: 30 }).filter((v) => !/[\r\n]/.test(v) && v === v.trim());
    const bodyBytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)),
      fc
        .array(fc.constantFrom('\r', '\n', '\r\n', '-', '--', 'x', ':', ' '), { maxLength: 20 })
        .map((a) => Buffer.from(a.join(''))),
    );
    const part = fc.record({
      headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
      body: bodyBytes,
    });
    const boundary = fc.option(fc.stringMatching(/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/), { nil: undefined });
    const subtype = fc.constantFrom('mixed', 'alternative', 'related');
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), boundary, subtype, (parts, b, st) => {
        let built: { body: Buffer; contentType: string };
        try {
          built = buildMultipart(parts, b, st);
        } catch (e) {
          // Only a given boundary that occurs inside a part is refused.
          expect(e).toBeInstanceOf(RangeError);
          expect(b).toBeDefined();
          return;
        }
        expect(splitMultipart(built.body, built.contentType)).toEqual(parts);
      }),
      { numRuns: 1000 },
    );
  });
});
