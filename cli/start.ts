/** `parrot start`: runs Parrot on embedded defaults until Ctrl-C. */
import { createParrot, type Handler, type Parrot } from '../runtime';

export interface StartOptions {
  host: string;
  port: number;
}

/** Reads `--host`/`--port` flags, then `PARROT_HOST`/`PARROT_PORT`, then the defaults. */
export function startOptions(argv: string[], env: NodeJS.ProcessEnv): StartOptions {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`--${name}=`));
    return eq?.slice(name.length + 3);
  };
  const host = flag('host') ?? env['PARROT_HOST'] ?? '127.0.0.1';
  const port = Number(flag('port') ?? env['PARROT_PORT'] ?? 5060);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port: ${port}`);
  return { host, port };
}

/** An SDP answer on `address`; until media lands, the audio stream is declined (port 0, RFC 3264 §6). */
function sdpAnswer(address: string): string {
  const ip = address.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=parrot 1 1 IN ${ip} ${address}`,
    's=parrot',
    `c=IN ${ip} ${address}`,
    't=0 0',
    'm=audio 0 RTP/AVP 0',
    '',
  ].join('\r\n');
}

/** The demo: answers every call at once and logs its life; hangs up calls left open for a minute. */
export function demoHandler(address: string, log: (line: string) => void): Handler {
  return {
    async onInvite(call) {
      log(`call ${call.callId} from ${call.request.get('from') ?? '?'}`);
      await call.answer(sdpAnswer(address));
    },
    onCallStart(call) {
      const timer = setTimeout(() => void call.hangup(), 60_000);
      call.signal.addEventListener('abort', () => clearTimeout(timer));
    },
    onCallEnd(call, reason) {
      log(`call ${call.callId} ended: ${reason}`);
    },
  };
}

export async function runStart(argv: string[]): Promise<Parrot> {
  const opts = startOptions(argv, process.env);
  const quiet = argv.includes('--quiet');
  const parrot = await createParrot({
    transports: [{ protocol: 'udp', host: opts.host, port: opts.port }],
    handler: demoHandler(opts.host, (line) => {
      if (!quiet) process.stdout.write(line + '\n');
    }),
  });
  const { address, port } = parrot.addresses[0]!;
  const target = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  process.stdout.write(
    `Parrot is listening on udp ${target}\n` +
      `  try:  sipp -sn uac -m 1 ${target}          (a call)\n` +
      `        sipp -sn uac -r 100 -m 1000 ${target} (1,000 calls at 100/s)\n` +
      `Ctrl-C stops it.\n`,
  );
  const stop = (): void => {
    process.stdout.write('stopping…\n');
    void parrot.stop().then(() => process.stdout.write('stopped\n'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return parrot;
}
