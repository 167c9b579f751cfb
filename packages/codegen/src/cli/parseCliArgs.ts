import { parseArgs } from 'node:util';
import { CodegenError } from '../errors/CodegenError.js';
import type { GenerateNaturalKeysOptions } from '../generate/options.js';

/** What the command line asks for. */
export interface CliArgs {
  help: boolean;
  /** `write` (default), `check` (exit 1 when something would change) or `dry-run` (print the diff). */
  mode: 'write' | 'check' | 'dry-run';
  options: GenerateNaturalKeysOptions;
}

/** Parses `synchro-codegen` arguments; throws CodegenError on a usage mistake. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    // node's messages are clear; the stack and error code are not for users.
    throw new CodegenError(`${(error as Error).message}. Run synchro-codegen --help for usage.`);
  }
  if (values.check && values['dry-run']) {
    throw new CodegenError(
      '--check and --dry-run cannot be combined: --check reports, --dry-run shows the diff.',
    );
  }
  const keys: Record<string, string[]> = {};
  for (const spec of values.key ?? []) {
    const match = spec.match(/^\s*([A-Za-z_$][\w$]*)\s*=\s*(.+)$/);
    const properties = match?.[2]?.split(',').map((p) => p.trim());
    if (!match || !properties || properties.some((p) => !p)) {
      throw CodegenError.invalidOption('--key', spec, 'Entity=prop1,prop2 (e.g. --key User=email)');
    }
    if (keys[match[1]!])
      throw CodegenError.invalidOption('--key', spec, `one --key per entity (${match[1]} is given twice)`);
    keys[match[1]!] = properties;
  }
  return {
    help: values.help ?? false,
    mode: values.check ? 'check' : values['dry-run'] ? 'dry-run' : 'write',
    options: {
      tsconfig: values.tsconfig,
      entities: values.entities,
      keys,
      allowMany: values['allow-many'],
      write: !values.check && !values['dry-run'],
    },
  };
}

/** @internal */
function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      tsconfig: { type: 'string' },
      entities: { type: 'string', multiple: true },
      key: { type: 'string', multiple: true },
      'allow-many': { type: 'string', multiple: true },
      check: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
