/** @internal A command line yargs rejects (unknown command or option, missing argument): help is shown with it. */
export class UsageError extends Error {}
