// Every kind of system hubtray knows, in the order the system editor offers them. config.json's schema, the
// contract's SystemKind, the JSON Schema file, the editor and the core's kinds (electron/core/kinds/registry.ts) all
// derive from this list: a new kind is one file here, one folder there, and one line below (and its name in
// kind-names.ts, which the type check below holds to this list).
import type { z } from 'zod';
import { kindNames } from './kind-names.js';
import { jupyterhubKind } from './jupyterhub.js';
import { localKind } from './local.js';
import { outpostKind } from './outpost.js';
import { slurmKind } from './slurm.js';
import { sshKind } from './ssh.js';

export const systemKinds = [sshKind, slurmKind, jupyterhubKind, localKind, outpostKind] as const;

type Kinds = typeof systemKinds;
export type KindName = Kinds[number]['kind'];

// Generic, so that TypeScript maps the tuple element by element (a mapped type over a concrete tuple is not one).
type NamesOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: T[I] extends { kind: infer K } ? K : never };
type SchemasOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: T[I] extends { schema: infer S } ? S : never };

/** The kinds' names, as a tuple (what z.enum takes). */
export { kindNames };
// kind-names.ts must list exactly these kinds, in this order: a mismatch does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatch: Same<NamesOf<Kinds>, [...typeof kindNames]> = true;
void namesMatch;

/** The kinds' settings schemas, as a tuple (what z.discriminatedUnion takes). */
export const kindSchemas = systemKinds.map((k) => k.schema) as unknown as SchemasOf<Kinds>;

export type KindSettings<K extends KindName> = z.infer<Extract<Kinds[number], { kind: K }>['schema']>;

export function kindDescriptor(kind: string): Kinds[number] | undefined {
  return systemKinds.find((k) => k.kind === kind);
}
