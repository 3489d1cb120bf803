/** `parrot start`: runs Parrot on embedded defaults until Ctrl-C. */
import { createParrot, type Parrot } from '../runtime';

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

export async function runStart(argv: string[]): Promise<Parrot> {
  const opts = startOptions(argv, process.env);
  const parrot = await createParrot({ transports: [{ protocol: 'udp', host: opts.host, port: opts.port }] });
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
