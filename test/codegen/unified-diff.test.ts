import { unifiedDiff } from '@mikro-synchro/codegen';
import { describe, expect, it } from 'vitest';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a.ts', 'x\ny\n', 'x\ny\n')).toBe('');
  });

  it('shows an insertion with three lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n');
    const after = ['1', '2', '3', '4', 'new', '5', '6', '7', '8'].join('\n');
    expect(unifiedDiff('src/a.ts', `${before}\n`, `${after}\n`)).toBe(
      [
        '--- a/src/a.ts',
        '+++ b/src/a.ts',
        '@@ -2,6 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '+new',
        ' 5',
        ' 6',
        ' 7',
        '',
      ].join('\n'),
    );
  });

  it('puts removed lines before added ones and splits distant changes into hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = before.map((l) => (l === 'line 2' ? 'LINE 2' : l === 'line 18' ? 'LINE 18' : l));
    const diff = unifiedDiff('f', before.join('\n'), after.join('\n'));
    expect(diff.split('\n').filter((l) => l.startsWith('@@'))).toEqual([
      '@@ -1,5 +1,5 @@',
      '@@ -15,6 +15,6 @@',
    ]);
    expect(diff).toContain('-line 2\n+LINE 2\n');
    expect(diff).toContain('-line 18\n+LINE 18\n');
  });

  it('counts an addition to an empty file from line 0', () => {
    expect(unifiedDiff('f', '', 'a\n')).toBe('--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+a\n');
  });
});
