import { CLIHelper } from '@mikro-orm/cli';
import { synchronize } from '@mikro-synchro/core';
import type { CliContext } from '../cli/CliContext.js';
import type { ArgvBuilder, CommandDefinition } from '../cli/yargs.js';
import { openSession } from '../config/openSession.js';
import { watchedEntityNames } from '../config/synchroOptionsOf.js';
import { CliError } from '../errors/CliError.js';
import { exitCodeOf } from '../output/exitCode.js';
import { formatReport } from '../output/formatReport.js';
import { toJson } from '../output/json.js';
import { createProgress } from '../output/progress.js';
import { type RemoteArgs, remoteOptions, sessionArgs } from './sessionArgs.js';

/** Arguments of `synchro:run`. */
export interface SynchroRunArgs extends RemoteArgs {
  dryRun?: boolean;
  entity?: string[];
  batchSize?: number;
}

/**
 * `synchro:run`: applies every change logged on LOCAL since its checkpoint to REMOTE. Prints a summary (or the
 * SyncReport with `--json`); exits 0 synced or no changes, 1 failed, 3 conflicts left pending.
 */
export class SynchroRunCommand implements CommandDefinition<SynchroRunArgs> {
  readonly command = 'synchro:run';
  readonly describe = 'Synchronize the changes logged on LOCAL (--context) into REMOTE';

  constructor(private readonly cli: CliContext) {}

  builder = (args: ArgvBuilder): ArgvBuilder =>
    remoteOptions(args)
      .option('dry-run', {
        type: 'boolean',
        default: false,
        desc: 'Report what would be written, write nothing',
      })
      .option('entity', { type: 'string', array: true, desc: 'Sync only this entity (repeatable)' })
      .option('batch-size', {
        type: 'number',
        desc: 'Log entries per batch (default: SynchroOptions.batchSize)',
      })
      .example('$0 synchro:run', 'Sync LOCAL into its SynchroOptions.remote')
      .example('$0 synchro:run --dry-run --json', 'What a sync would write, as JSON')
      .strictOptions();

  handler = async (args: SynchroRunArgs): Promise<void> => {
    CLIHelper.quiet = args.quiet;
    const batchSize = args.batchSize;
    if (args.entity && (args.entity.length === 0 || args.entity.some((name) => !name))) {
      throw CliError.invalidOption('--entity', args.entity, 'an entity name, e.g. --entity Book');
    }
    if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
      throw CliError.invalidOption('--batch-size', batchSize, 'a positive integer');
    }
    const session = await openSession(sessionArgs(args, this.cli), 'required');
    const { io } = this.cli;
    const progress = createProgress(io.stderr, !args.quiet);
    try {
      const watched = watchedEntityNames(session.local.orm);
      const unknown = args.entity?.find((name) => !watched.includes(name));
      if (unknown) throw CliError.unknownEntity(unknown, session.local.name, watched);
      const report = await synchronize(session.local.orm, session.remote!.orm, {
        dryRun: args.dryRun,
        entities: args.entity?.length ? args.entity : undefined,
        batchSize,
        onProgress: (p) => progress.onProgress(p),
      });
      progress.stop();
      const heading = { local: session.local.name, remote: session.remote!.name, dryRun: args.dryRun };
      io.stdout.write(`${args.json ? toJson(report) : formatReport(report, heading)}\n`);
      this.cli.exitCode = exitCodeOf(report);
    } finally {
      progress.stop();
      await session.close();
    }
  };
}
