// Text from elsewhere (a peer's error, a server's log line) is bounded before it reaches state, logs or a face: a
// hostile or broken peer must not fill the disk or the window with one message.

/** The most characters of outside text one message carries. */
export const MAX_MESSAGE_CHARS = 4000;

/** `text` cut to `max` characters, saying how much was left out. */
export function boundedText(text: string, max = MAX_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters left out)`;
}
