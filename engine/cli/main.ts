/**
 * Fragscope's headless CLI: `npm run -s cli -- help`.
 * The same engine as the browser app; runs inline or on worker_threads.
 *
 * Exit codes: 0 done (also when a reader such as `| head` closed our output
 * early), 1 bad input or a failed run, 2 bad usage (the message, then the usage).
 */
import { seedExampleLog } from '../allocators/registry';
import { seedExampleOps } from '../workloads/generators';
import { parseArgs, UsageError, USAGE } from './args';
import { ClosedPipe } from './outputs';
import { formatWorkloads } from './report';
import { run } from './run';
import { compareSeeds, formatComparison } from './seed-compare';

async function main(argv: string[]): Promise<number> {
  try {
    const cmd = parseArgs(argv);
    if (cmd.name === 'help') {
      console.log(USAGE);
      return 0;
    }
    if (cmd.name === 'example') {
      console.log(seedExampleLog(seedExampleOps()).join('\n'));
      return 0;
    }
    if (cmd.name === 'workloads') {
      console.log(formatWorkloads());
      return 0;
    }
    if (cmd.name === 'compare-seed') {
      const rows = compareSeeds(cmd.seeds, cmd.params);
      console.log(cmd.json ? JSON.stringify({ seeds: cmd.seeds, stages: rows }) : formatComparison(rows, cmd.seeds));
      return 0;
    }
    await run(cmd.args);
    return 0;
  } catch (e) {
    if (e instanceof ClosedPipe) return 0;
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`error: ${(e as Error).message}`);
    return 1;
  }
}

// A closed pipe (`... | head`) ends the output quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
