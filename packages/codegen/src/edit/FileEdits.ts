import type { Node, SourceFile } from 'ts-morph';
import { detectStyle, type FileStyle } from './FileStyle.js';
import { importEdits } from './importEdits.js';

/** A replacement of `text[start, end)`; an insertion when start === end. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Imports a file needs, by module: names used as values, and names used as types only. */
export type ImportNeeds = Map<string, { values: Set<string>; types: Set<string> }>;

/**
 * The edits planned for one file. Nothing touches the file until `render()`, which applies them to the
 * original text, so untouched code keeps its formatting and comments.
 */
export class FileEdits {
  readonly style: FileStyle;
  readonly edits: TextEdit[] = [];
  readonly imports: ImportNeeds = new Map();
  /** Imported names that may have lost their last use: their import is removed if so. */
  readonly maybeUnused = new Set<string>();

  constructor(readonly file: SourceFile) {
    this.style = detectStyle(file);
  }

  /** Inserts text at a position; insertions at the same position keep the order they were made in. */
  insert(position: number, text: string): void {
    this.edits.push({ start: position, end: position, text });
  }

  /** Replaces a node (without its leading trivia), or a range. */
  replace(target: Node | { start: number; end: number }, text: string): void {
    const range = 'getStart' in target ? { start: target.getStart(), end: target.getEnd() } : target;
    this.edits.push({ ...range, text });
  }

  /** Imports `name` from `module` for use as a value, unless the file already has it. */
  importValue(module: string, name: string): void {
    this.need(module).values.add(name);
  }

  /** Imports `name` from `module` for use as a type, unless the file already has it. */
  importType(module: string, name: string): void {
    this.need(module).types.add(name);
  }

  /** Whether anything will change. */
  get changed(): boolean {
    return this.edits.length > 0 || this.imports.size > 0 || this.maybeUnused.size > 0;
  }

  /** The new text of the file. */
  render(): string {
    return applyEdits(this.file.getFullText(), [...this.edits, ...importEdits(this)]);
  }

  private need(module: string) {
    const entry = this.imports.get(module) ?? { values: new Set<string>(), types: new Set<string>() };
    this.imports.set(module, entry);
    return entry;
  }
}

/** Applies edits to a text; edits must not overlap (insertions at one position are kept in order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = edits
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  let out = '';
  let cursor = 0;
  for (const edit of ordered) {
    if (edit.start < cursor) {
      throw new Error(
        `synchro-codegen: overlapping edits at ${edit.start} (internal error, please report it)`,
      );
    }
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}
