// Everything that reaches a remote shell goes through here: inside single quotes a POSIX shell interprets nothing,
// so the only character to handle is the single quote itself, which is closed, escaped and reopened.
export function shellQuote(value: string): string {
  // A NUL cannot travel in a shell word: the remote side would silently cut the string there.
  if (value.includes('\0')) throw new TypeError('a shell argument cannot contain a NUL character');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
