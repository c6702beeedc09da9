// Secrets never leave the Hub inside text meant for people (logs, reasons, error messages).
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[secret]');
  }
  return out;
}
