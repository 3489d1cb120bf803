/** Entry of the `parrot` command. */
import { runParse } from './parse';

const USAGE = `usage: parrot <command>

commands:
  parse FILE|-     print a SIP message as JSON (exit 1 with the error if it does not parse)
`;

function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  switch (cmd) {
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
