import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

/** The `// #region name` blocks of an example module, dedented as a document quotes them. */
export function regions(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of source.matchAll(/^( *)\/\/ #region ([\w-]+)\n([\s\S]*?)\n *\/\/ #endregion \2$/gm)) {
    const indent = m[1].length;
    found.set(
      m[2],
      m[3]
        .split('\n')
        .map((line) => line.slice(indent))
        .join('\n'),
    );
  }
  return found;
}

/** Names of the example's regions that the document (paths from the repository root) does not quote verbatim. */
export function quotedRegions(doc: string, example: string): string[] {
  const text = readFileSync(new URL(doc, root), 'utf8');
  const blocks = regions(readFileSync(new URL(example, root), 'utf8'));
  if (blocks.size === 0) return ['(no regions found)'];
  return [...blocks].filter(([, code]) => !text.includes(`\`\`\`ts\n${code}\n\`\`\``)).map(([name]) => name);
}
