import { readFileSync } from 'node:fs';

/** Peak resident set size of this process so far, in MB (kernel high-water mark). */
export function peakRss() {
  let vmHwm = null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) vmHwm = Number(m[1]) / 1024;
  } catch {}
  return {
    maxRssMb: round(process.resourceUsage().maxRSS / 1024),
    vmHwmMb: vmHwm === null ? null : round(vmHwm),
  };
}

/** Current RSS and heap in MB. */
export function memNow() {
  const m = process.memoryUsage();
  return {
    rssMb: round(m.rss / 2 ** 20),
    heapUsedMb: round(m.heapUsed / 2 ** 20),
    heapTotalMb: round(m.heapTotal / 2 ** 20),
    externalMb: round(m.external / 2 ** 20),
    ...rssParts(),
  };
}

/**
 * Linux: RSS split into anonymous memory (heaps, malloc) and file-backed pages (code, memory-mapped files),
 * from /proc/self/status; empty elsewhere.
 */
function rssParts() {
  let status;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return {};
  }
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssAnonMb: round(kb('RssAnon') / 1024), rssFileMb: round(kb('RssFile') / 1024) };
}

export function gc() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

export async function timed(fn) {
  const t = performance.now();
  const value = await fn();
  return { ms: round(performance.now() - t), value };
}

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function round(x, digits = 1) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Samples RSS every `ms` while running; `stop()` returns { maxMb, samples: [[tSec, rssMb]] }. */
export function rssSampler(ms = 250) {
  const t0 = performance.now();
  const samples = [];
  let max = 0;
  const take = () => {
    const rss = process.memoryUsage.rss() / 2 ** 20;
    if (rss > max) max = rss;
    samples.push([round((performance.now() - t0) / 1000, 2), round(rss)]);
  };
  take();
  const timer = setInterval(take, ms);
  timer.unref();
  return {
    /** Up to 20 samples spread over the run so far, as [seconds, MB]. */
    peek() {
      const step = Math.max(1, Math.ceil(samples.length / 20));
      return samples.filter((_, i) => i % step === 0);
    },
    stop() {
      clearInterval(timer);
      take();
      return { maxMb: round(max), samples };
    },
  };
}
