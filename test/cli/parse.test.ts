import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runParse } from '../../cli/parse';
import { startOptions } from '../../cli/start';

const FIX = join(__dirname, '../fixtures/sip');

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      w.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

describe('parrot parse', () => {
  it('prints the message as JSON with typed values and exits 0', () => {
    const out = sink();
    const err = sink();
    expect(runParse(join(FIX, 'invite-sdp.sip'), out, err)).toBe(0);
    const json = JSON.parse(out.text) as {
      method: string;
      headers: Array<{ name: string; parsed?: unknown }>;
      bodyLength: number;
    };
    expect(json.method).toBe('INVITE');
    expect(json.bodyLength).toBeGreaterThan(0);
    const cseq = json.headers.find((h) => h.name === 'CSeq');
    expect(cseq?.parsed).toEqual({ seq: 314159, method: 'INVITE' });
    const via = json.headers.find((h) => h.name === 'Via')?.parsed as Array<{
      params: Record<string, string | null>;
    }>;
    expect(via[0]!.params['branch']).toBe('z9hG4bK776asdhds');
    expect(err.text).toBe('');
  });

  it('an invalid message prints "error: CODE at offset N: text" on stderr and exits 1', () => {
    const out = sink();
    const err = sink();
    expect(runParse(join(FIX, 'huge-cseq.sip'), out, err)).toBe(1);
    expect(err.text).toMatch(/^error: BAD_CSEQ at offset \d+: /);
    expect(out.text).toBe('');
  });

  it('reads standard input with -, through the real command', () => {
    const r = spawnSync(process.execPath, [join(__dirname, '../../cli/parrot.js'), 'parse', '-'], {
      input: execFileSync('cat', [join(FIX, 'bye.sip')]),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { method: string }).method).toBe('BYE');
  });

  it('a missing file is a usage error (exit 2), not a crash', () => {
    expect(runParse('/nonexistent/file.sip', sink(), sink())).toBe(2);
    expect(runParse(undefined, sink(), sink())).toBe(2);
  });
});

describe('parrot start options', () => {
  it('flags beat the environment, which beats the defaults', () => {
    expect(startOptions([], {})).toEqual({ host: '127.0.0.1', port: 5060 });
    expect(startOptions([], { PARROT_HOST: '::1', PARROT_PORT: '5070' })).toEqual({
      host: '::1',
      port: 5070,
    });
    expect(startOptions(['--port', '5080', '--host=127.0.0.2'], { PARROT_PORT: '5070' })).toEqual({
      host: '127.0.0.2',
      port: 5080,
    });
    expect(() => startOptions(['--port', 'x'], {})).toThrow(/bad port/);
  });
});
