import type { LogContext, Logger, LoggerNamespace, LoggerOptions, Options } from '@mikro-orm/core';
import { DefaultLogger } from '@mikro-orm/core';

/** One statement seen by a {@link QueryCounter}. */
export interface CountedQuery {
  sql: string;
  /** The connection label MikroORM reported (e.g. `write`), if any. */
  connection?: string;
}

/**
 * Counts the SQL statements a MikroORM instance sends, through its logger, so tests can assert query counts
 * (deterministic) instead of timings.
 *
 * @example
 * const counter = new QueryCounter();
 * const orm = await MikroORM.init(counter.attach({ ...config }));
 * const n = await counter.count(() => em.flush());
 */
export class QueryCounter {
  /** Every statement recorded since the last {@link reset}. */
  readonly queries: CountedQuery[] = [];
  #paused = 0;

  /** Returns a copy of `config` whose logger reports every statement to this counter. */
  attach<T extends Partial<Options>>(config: T): T {
    const inner = config.loggerFactory ?? DefaultLogger.create;
    const loggerFactory = (options: LoggerOptions): Logger => {
      const logger = inner(options);
      return {
        log: (ns: LoggerNamespace, message: string, ctx?: LogContext) => logger.log(ns, message, ctx),
        error: (ns: LoggerNamespace, message: string, ctx?: LogContext) => logger.error(ns, message, ctx),
        warn: (ns: LoggerNamespace, message: string, ctx?: LogContext) => logger.warn(ns, message, ctx),
        setDebugMode: (mode: boolean | LoggerNamespace[]) => logger.setDebugMode(mode),
        isEnabled: (ns: LoggerNamespace, ctx?: LogContext) => logger.isEnabled(ns, ctx),
        logQuery: (ctx: { query: string } & LogContext) => {
          this.record(ctx.query, ctx.connection?.name);
          logger.logQuery(ctx);
        },
      };
    };
    return { ...config, loggerFactory };
  }

  /** @internal */
  record(sql: string, connection?: string): void {
    if (this.#paused === 0) {
      this.queries.push({ sql, connection });
    }
  }

  /** Forgets every recorded statement. */
  reset(): void {
    this.queries.length = 0;
  }

  /** Runs `fn` and returns how many statements it sent (transaction control statements included). */
  async count(fn: () => unknown): Promise<number> {
    const start = this.queries.length;
    await fn();
    return this.queries.length - start;
  }

  /** Runs `fn` and returns the statements it sent. */
  async capture(fn: () => unknown): Promise<string[]> {
    const start = this.queries.length;
    await fn();
    return this.queries.slice(start).map((q) => q.sql);
  }

  /** Statements recorded so far that match `pattern` (e.g. `/^insert into .synchro_change/i`). */
  matching(pattern: RegExp): string[] {
    return this.queries.map((q) => q.sql).filter((sql) => pattern.test(sql));
  }
}
