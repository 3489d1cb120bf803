/**
 * Parrot's UAS for `bench/cps.ts`: answers every INVITE with 200 through the handler API (the
 * runtime handles ACK and BYE). Prints `ready` on stdout once listening.
 *
 * Run: `node -r ts-node/register/transpile-only bench/parrotUas.ts [address] [port]`
 * (default 127.0.0.1 5070).
 */
import { createParrot } from '../runtime';

const host = process.argv[2] ?? '127.0.0.1';
const port = Number(process.argv[3] ?? 5070);

async function main(): Promise<void> {
  const parrot = await createParrot({
    transports: [{ protocol: 'udp', host, port }],
    handler: { onInvite: () => ({ status: 200 }) },
  });
  const stop = (): void => {
    parrot.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stderr.write(`parrot UAS listening on udp ${host}:${port}\n`);
  process.stdout.write('ready\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`parrot UAS failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
