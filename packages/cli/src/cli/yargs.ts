/**
 * The part of a yargs instance the synchro commands use. yargs comes with @mikro-orm/cli and ships no types
 * (`configure()` is typed against an absent `@types/yargs`), so this is the contract they are written against.
 */
export interface ArgvBuilder {
  option(name: string, options: Record<string, unknown>): ArgvBuilder;
  example(command: string, description: string): ArgvBuilder;
  strictOptions(enabled?: boolean): ArgvBuilder;
}

/** A command module as yargs takes it, like MikroORM's own `BaseCommand`. */
export interface CommandDefinition<A> {
  command: string;
  describe: string;
  builder(args: ArgvBuilder): ArgvBuilder;
  handler(args: A): Promise<void>;
}

/** Options MikroORM's CLI defines for every command. */
export interface BaseArgs {
  config?: string[];
  contextName: string;
  quiet: boolean;
}
