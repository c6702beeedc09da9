// A command line typed into one text field, as the list of words config.json holds (`cmd`, `args`). Quotes keep
// spaces inside a word; nothing else is special, since hubtray never hands these words to a shell unquoted.
export function splitWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

export function joinWords(words: readonly string[]): string {
  return words.map((word) => (word === '' || /\s|["']/.test(word) ? (word.includes('"') ? `'${word}'` : `"${word}"`) : word)).join(' ');
}
