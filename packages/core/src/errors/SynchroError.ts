/** Base class of every error mikro-synchro throws; `cause` is chained where there is one. */
export class SynchroError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
