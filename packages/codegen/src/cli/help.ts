/** The text of `synchro-codegen --help`. */
export const HELP = `Usage: synchro-codegen [options]

Adds natural-key lookups to MikroORM entities: each entity with a natural key gets a NaturalKeyEntity base
(or a static naturalKey) and a repository built with naturalKeyRepository(), wired into its definition.
The key comes from --key, else from what the entity already declares, else from its single unique constraint.

Options:
  --tsconfig <path>       tsconfig.json of the project (default: ./tsconfig.json)
  --entities <glob>       files that hold entities, repeatable (default: every file of the tsconfig)
  --key <Entity=a,b>      natural key of an entity, repeatable; needed when it has several unique constraints
  --allow-many <Entity>   the key may match several rows (the first is taken), repeatable
  --check                 change nothing; list what would change and exit 1 if anything would (for CI)
  --dry-run               change nothing; print the changes as a unified diff
  -h, --help              show this help

Exit codes:
  0  done, or nothing to change
  1  --check: some files would change
  2  usage or project error (unknown option or entity, missing file, syntax error); nothing was written

Examples:
  synchro-codegen
  synchro-codegen --entities 'src/entities/**/*.ts' --key Person=firstName,lastName,city --allow-many Person
  synchro-codegen --check
`;
