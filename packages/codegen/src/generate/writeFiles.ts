import { rename, rm, writeFile } from 'node:fs/promises';
import type { FileChange } from '../plan/results.js';

/**
 * Writes the changed files: every new text goes to a temporary file next to its target first, and the
 * targets are replaced only once all of them are written, so a failure leaves no file half-changed.
 */
export async function writeFiles(files: readonly FileChange[]): Promise<void> {
  const temporary = files.map((f) => ({ ...f, tmp: `${f.path}.synchro-codegen-${process.pid}.tmp` }));
  try {
    await Promise.all(temporary.map((f) => writeFile(f.tmp, f.after, 'utf8')));
  } catch (error) {
    await Promise.all(temporary.map((f) => rm(f.tmp, { force: true })));
    throw error;
  }
  for (const f of temporary) await rename(f.tmp, f.path);
}
