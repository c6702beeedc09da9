// The kinds' names alone, apart from their settings schemas (registry.ts): the contract's SystemKind needs only the
// names, and a CLI command that loads the contract should not build every kind's config schema to get them.
// registry.ts checks, as a type, that this is its kinds' names in its order.
export const kindNames = ['ssh', 'slurm', 'jupyterhub', 'local', 'outpost'] as const;
