// Terminal styling, only when stdout is a terminal.
const tty = process.stdout.isTTY;

/** Bold text. */
export const bold = (text) => (tty ? `\x1b[1m${text}\x1b[0m` : text);

/** Cyan text, for the story's steps. */
export const cyan = (text) => (tty ? `\x1b[36m${text}\x1b[0m` : text);
