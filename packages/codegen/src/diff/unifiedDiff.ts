/** One line of a diff: kept (' '), removed ('-') or added ('+'). */
interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

// Beyond this many cells the middle of the files is shown as replaced wholesale rather than aligned.
const MAX_CELLS = 4_000_000;

/** A unified diff (`--- a/file`, `+++ b/file`, `@@` hunks) between two texts; empty when they are equal. */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const lines = diffLines(splitLines(before), splitLines(after));
  const changed = lines.flatMap((l, i) => (l.op === ' ' ? [] : [i]));
  const out = [`--- a/${file}`, `+++ b/${file}`];
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i]! - context);
    let end = changed[i]!;
    while (i < changed.length && changed[i]! - end <= 2 * context) end = changed[i++]!;
    const hunk = lines.slice(start, Math.min(lines.length, end + context + 1));
    const oldStart = lines.slice(0, start).filter((l) => l.op !== '+').length;
    const newStart = lines.slice(0, start).filter((l) => l.op !== '-').length;
    const oldCount = hunk.filter((l) => l.op !== '+').length;
    const newCount = hunk.filter((l) => l.op !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const line of hunk) out.push(`${line.op}${line.text}`);
  }
  return `${out.join('\n')}\n`;
}

/** Lines without the empty string a final line break would leave. @internal */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** `start,count` in the 1-based form of unified diffs (an empty range names the line before it). @internal */
function range(start: number, count: number): string {
  return `${count === 0 ? start : start + 1},${count}`;
}

/** Aligns two line lists by their longest common subsequence, after trimming the common ends. @internal */
function diffLines(a: string[], b: string[]): DiffLine[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const x = a.slice(prefix, a.length - suffix);
  const y = b.slice(prefix, b.length - suffix);
  const middle: DiffLine[] = [];
  if (x.length * y.length > MAX_CELLS) {
    middle.push(
      ...x.map((text) => ({ op: '-' as const, text })),
      ...y.map((text) => ({ op: '+' as const, text })),
    );
  } else {
    // lcs[i][j]: length of the LCS of x[i..] and y[j..], in a flat array.
    const w = y.length + 1;
    const lcs = new Uint32Array((x.length + 1) * w);
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) {
        lcs[i * w + j] =
          x[i] === y[j]
            ? lcs[(i + 1) * w + j + 1]! + 1
            : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        middle.push({ op: ' ', text: x[i++]! });
        j++;
      } else if (i < x.length && (j === y.length || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
        middle.push({ op: '-', text: x[i++]! });
      } else {
        middle.push({ op: '+', text: y[j++]! });
      }
    }
  }
  const keep = (text: string): DiffLine => ({ op: ' ', text });
  return [...a.slice(0, prefix).map(keep), ...middle, ...a.slice(a.length - suffix).map(keep)];
}
