/** Entry of the `parrot` command. */
import { runParse } from './parse';
import { runStart } from './start';

const USAGE = `usage: parrot <command>

commands:
  start [--host H] [--port P]   run Parrot (default 127.0.0.1:5060; env PARROT_HOST, PARROT_PORT)
  parse FILE|-                  print a SIP message as JSON (exit 1 with the error if it does not parse)
`;

function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'start':
      runStart(rest).catch((e: unknown) => {
        process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
      });
      return;
    case 'parse':
      process.exitCode = runParse(rest[0], process.stdout, process.stderr);
      return;
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`unknown command: ${cmd}\n${USAGE}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2));
