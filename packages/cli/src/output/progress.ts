import cliProgress from 'cli-progress';

/** What the progress display draws on: a writable stream that may be a terminal. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

/** Drives a progress display from `synchronize()`'s `onProgress`; `stop()` ends it. */
export interface Progress {
  onProgress(progress: { done: number; total: number; entity?: string }): void;
  stop(): void;
}

/** A progress display that shows nothing, for pipes, files and `--quiet`. */
export const silentProgress: Progress = { onProgress: () => undefined, stop: () => undefined };

/**
 * A progress bar on `stream` (stderr) when it is a terminal, nothing otherwise, so piped output and logs stay
 * clean. The bar starts on the first batch: a run without changes never draws it.
 */
export function createProgress(stream: ProgressStream, enabled = true): Progress {
  if (!enabled || !stream.isTTY) return silentProgress;
  let bar: cliProgress.SingleBar | null = null;
  return {
    onProgress({ done, total, entity }) {
      const payload = { entity: entity ?? '' };
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: 'Syncing [{bar}] {percentage}% | {value}/{total} changes | {entity}',
            hideCursor: true,
            clearOnComplete: false,
            // Every batch is worth a frame: batches are seconds apart, not milliseconds.
            fps: 60,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, payload);
        return;
      }
      if (total !== bar.getTotal()) bar.setTotal(total);
      bar.update(done, payload);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
