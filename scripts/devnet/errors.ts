/** The devnet's one error type: something an operator can act on (a busy port, a failed deploy, a dead keeper). */

/** The devnet could not start or keep running; the message says what failed and what to do about it. */
export class DevnetError extends Error {
  override readonly name = "DevnetError";
}
