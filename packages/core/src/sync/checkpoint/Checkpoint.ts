import type { EntityManager } from '@mikro-orm/core';
import { SynchroError } from '../../errors/SynchroError.js';
import { SynchroCheckpoint } from '../../log/entities.js';
import type { LogPosition } from '../../log/LogReader.js';
import { sqlEm } from '../../util/sqlEm.js';

/** How long a run's lease on a LOCAL→REMOTE pair lasts without being renewed (renewed every batch). */
const LEASE_MS = 5 * 60_000;

/**
 * @internal The checkpoint of one source's log on the target database. It lives on the target and is
 * written in the same transaction as each applied batch: a crash before that commit leaves both unchanged,
 * a crash after it loses nothing (LOCAL keeps no bookkeeping the next run depends on).
 */
export class Checkpoint {
  constructor(
    private readonly em: EntityManager,
    readonly source: string,
    readonly runId: string,
  ) {}

  /** Takes the lease of this pair, or fails fast when another run holds it. */
  async acquire(): Promise<void> {
    const fork = this.em.fork({ clear: true });
    const now = new Date();
    await sqlEm(fork)
      .createQueryBuilder(SynchroCheckpoint)
      .insert({ source: this.source, lastId: 0, holes: [], updatedAt: now })
      .onConflict('source')
      .ignore()
      .execute();
    const taken = await fork.nativeUpdate(
      SynchroCheckpoint,
      { source: this.source, $or: [{ lockedBy: null }, { lockedUntil: { $lt: now } }] },
      { lockedBy: this.runId, lockedUntil: new Date(now.getTime() + LEASE_MS) },
    );
    if (taken === 0) {
      const row = await fork.findOneOrFail(SynchroCheckpoint, { source: this.source });
      throw SynchroError.concurrentRun(this.source, row.lockedUntil ?? now);
    }
  }

  /** Gives the lease back (after success or failure). */
  async release(): Promise<void> {
    await this.em
      .fork({ clear: true })
      .nativeUpdate(
        SynchroCheckpoint,
        { source: this.source, lockedBy: this.runId },
        { lockedBy: null, lockedUntil: null },
      );
  }

  /** The applied position, or the start of the log when this source never synced here. */
  async read(em: EntityManager = this.em): Promise<LogPosition> {
    const row = await em.fork({ clear: true }).findOne(SynchroCheckpoint, { source: this.source });
    return { lastId: Number(row?.lastId ?? 0), holes: row?.holes ?? [] };
  }

  /** Stores the position inside the batch's transaction `tx`, renewing the lease. */
  async save(tx: EntityManager, position: LogPosition): Promise<void> {
    const now = new Date();
    await tx.nativeUpdate(
      SynchroCheckpoint,
      { source: this.source },
      {
        lastId: position.lastId,
        holes: position.holes,
        updatedAt: now,
        lockedUntil: new Date(now.getTime() + LEASE_MS),
      },
    );
  }
}
