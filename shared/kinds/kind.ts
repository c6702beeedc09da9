// What every face knows of a kind of system, without running anything: its settings (config.json's schema for it),
// how people call it, how it describes a system, and the fields the system editor gives its most used settings.
// What a kind does (its spawner, connection test, discovery) lives in electron/core/kinds/<kind>/.
import type { z } from 'zod';

/** A setting that gets a field of its own in the system editor; the rest stay editable as JSON. */
export interface EditorField {
  key: string;
  label: string;
  type: 'text' | 'number' | 'words';
  help: string;
  placeholder?: string;
}

export interface KindDescriptor<K extends string = string, S extends z.ZodType<{ kind: K }> = z.ZodType<{ kind: K }>> {
  kind: K;
  /** config.json's settings for a system of this kind; strict, so a misspelt setting is an error. */
  schema: S;
  /** For lists: "SSH host", "Slurm cluster". */
  label: string;
  /**
   * How the editor offers to add one ("an SSH host"); null: not offered there, set up in config.json (a kind whose
   * settings are mostly an admin's).
   */
  add: string | null;
  /** The settings the editor gives a field of their own, in order. */
  editorFields: readonly EditorField[];
  /** A system's description for people, unless its config gives one. */
  describe(config: z.infer<S>): string;
}

/** Declares a kind, keeping its literal name and schema type so the registry can derive config.json's union. */
export function defineKind<K extends string, S extends z.ZodType<{ kind: K }>>(descriptor: KindDescriptor<K, S>): KindDescriptor<K, S> {
  return descriptor;
}
