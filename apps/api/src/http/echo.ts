/** How much of a client's URL an error may repeat: enough to recognise it, never the whole of a huge one. */
const ECHO_LIMIT = 120;

/** `text`, or its first characters and how long it was, so an answer stays small whatever was sent. */
export function echoPrefix(text: string): string {
  return text.length <= ECHO_LIMIT ? text : `${text.slice(0, ECHO_LIMIT)}… (${text.length} characters)`;
}
