// Apart from the API contract so that what only reports an error (the CLI's first lines) need not load zod.

/** The message of anything thrown, for a person: an Error's message, or the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
