import type { CliContext } from '../cli/CliContext.js';
import type { ArgvBuilder, BaseArgs } from '../cli/yargs.js';
import type { SessionArgs } from '../config/openSession.js';

/** Arguments of the synchro commands that talk to REMOTE. */
export interface RemoteArgs extends BaseArgs {
  remote?: string;
  json?: boolean;
}

/** Adds `--remote <contextName>` and `--json`. */
export function remoteOptions(args: ArgvBuilder): ArgvBuilder {
  return args
    .option('remote', {
      type: 'string',
      desc: 'contextName of the REMOTE config (default: SynchroOptions.remote of the LOCAL config)',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      desc: 'Print the result as JSON, nothing else on stdout',
    });
}

/** The options {@link openSession} needs, from parsed arguments. */
export function sessionArgs(args: BaseArgs & { remote?: string }, cli: CliContext): SessionArgs {
  return {
    config: args.config,
    contextName: args.contextName,
    remote: args.remote,
    contextSource: cli.contextSource,
  };
}
