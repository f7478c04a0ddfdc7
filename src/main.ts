/** @module Entry point: argv → cli → exit code. No top-level await (the bundle is CommonJS). */
import { runCli } from './cli/main-cli.ts';

function main(): void {
  runCli(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => { process.stderr.write(`aibridge: ${(err as Error).message}\n`); process.exitCode = 1; },
  );
}

main();
