/**
 * Records every statement an ORM sends (through its logger: count, summed `took`, the slowest ones), for
 * profile runs only (turning query logging on costs time). `summary()` groups statements by their shape.
 */
export function queryStats(orms) {
  const all = [];
  const restore = [];
  for (const [side, orm] of Object.entries(orms)) {
    const logger = orm.config.getLogger();
    const saved = { logQuery: logger.logQuery, log: logger.log, debug: orm.config.get('debug') };
    restore.push(() => {
      logger.logQuery = saved.logQuery;
      logger.log = saved.log;
      logger.setDebugMode(saved.debug ?? false);
    });
    logger.setDebugMode(['query']);
    logger.log = () => {};
    logger.logQuery = (ctx) => all.push({ side, took: ctx.took ?? 0, sql: ctx.query });
  }
  return {
    /** Turns the query log off again. */
    stop() {
      for (const fn of restore) fn();
    },
    reset() {
      all.length = 0;
    },
    summary(top = 8) {
      // literals (the dollar-quoted or quoted arrays and JSON documents of bulk inserts) collapse too, or every
      // such statement would be a group of its own
      const shape = (sql) =>
        sql
          .replace(/\$synchro\d*\$[\s\S]*?\$synchro\d*\$/g, '$…$')
          .replace(/'(?:[^']|'')*'/g, "'…'")
          .replace(/\((\?|\$\d+)(, (\?|\$\d+))*\)(, \((\?|\$\d+)(, (\?|\$\d+))*\))*/g, '(…)')
          .replace(/(\?|\$\d+)(, (\?|\$\d+))+/g, '…')
          .replace(/ (or|and) \(.{200,}/, ' $1 (…)')
          .slice(0, 140);
      const groups = new Map();
      const sides = {};
      for (const q of all) {
        sides[q.side] ??= { queries: 0, ms: 0 };
        sides[q.side].queries += 1;
        sides[q.side].ms += q.took;
        const k = `${q.side}: ${shape(q.sql)}`;
        const g = groups.get(k) ?? { statement: k, count: 0, ms: 0, maxMs: 0 };
        g.count += 1;
        g.ms += q.took;
        g.maxMs = Math.max(g.maxMs, q.took);
        groups.set(k, g);
      }
      for (const s of Object.values(sides)) s.ms = Math.round(s.ms);
      return {
        sides,
        top: [...groups.values()]
          .sort((a, b) => b.ms - a.ms)
          .slice(0, top)
          .map((g) => ({ ...g, ms: Math.round(g.ms) })),
      };
    },
  };
}
