import { readFileSync } from 'node:fs';

/** Reads a file relative to the repository root. */
export function readRepoFile(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

/** The `// #region name` blocks of an example module, dedented as the documents quote them. */
export function regions(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of source.matchAll(/^( *)\/\/ #region ([\w-]+)\n([\s\S]*?)\n *\/\/ #endregion \2$/gm)) {
    const indent = m[1]!.length;
    found.set(
      m[2]!,
      m[3]!
        .split('\n')
        .map((line) => line.slice(indent))
        .join('\n'),
    );
  }
  return found;
}

/** Names of the regions of `module` that `doc` does not quote verbatim as a ```ts block. */
export function unquoted(doc: string, module: string, names?: string[]): string[] {
  const blocks = regions(readRepoFile(module));
  return [...blocks]
    .filter(([name]) => !names || names.includes(name))
    .filter(([, code]) => !readRepoFile(doc).includes(`\`\`\`ts\n${code}\n\`\`\``))
    .map(([name]) => name);
}

/** The ```ts blocks of `doc` that are not a region of one of `modules` (code written in the document itself). */
export function handWritten(doc: string, modules: string[]): string[] {
  const quoted = new Set(modules.flatMap((module) => [...regions(readRepoFile(module)).values()]));
  return [...readRepoFile(doc).matchAll(/^```ts\n([\s\S]*?)\n```$/gm)]
    .map((m) => m[1]!)
    .filter((code) => !quoted.has(code));
}
