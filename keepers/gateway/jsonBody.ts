/**
 * Strict JSON for request bodies and WebSocket messages. On top of Fastify's parser (which refuses malformed JSON and
 * the prototype-poisoning keys `__proto__` and `constructor.prototype`), a body must be UTF-8 and no object may name a
 * key twice: `JSON.parse` keeps the last of two `"price"` keys, another parser (a proxy, a log reader, an auditor)
 * may keep the first, and a signed order must mean one thing to all of them.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError, ApiErrorCode } from "./api";

/** Where a key occurs twice: the object's path (`""` for the root, `order`, `orders[2]`) and the key. */
export interface DuplicateKey {
  path: string;
  key: string;
}

/** One open object or array while scanning; `parent` and `segment` rebuild its path only when one is needed. */
interface Frame {
  parent: Frame | undefined;
  /** `.key` or `[index]` under the parent; "" for the root. */
  segment: string;
  /** The keys seen so far, for an object; undefined for an array. */
  keys: Set<string> | undefined;
  /** The last key read (object) or the index of the current item (array). */
  lastKey: string;
  index: number;
  expectKey: boolean;
}

function pathOf(frame: Frame): string {
  const segments: string[] = [];
  for (let f: Frame | undefined = frame; f; f = f.parent) segments.push(f.segment);
  return segments.reverse().join("").replace(/^\./, "");
}

/** The index of the quote that closes the string opening at `start` (the text's length if none does). */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text[end - 1 - backslashes] === "\\") backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

/**
 * The first key that occurs twice in one object of `text`, comparing keys after unescaping (`"size"` and `"si\u007ae"`
 * are the same key); undefined when there is none. Iterative, so any nesting depth is safe.
 *
 * @param text A valid JSON document (parse it first: on malformed input the answer is meaningless).
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  let frame: Frame | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const end = stringEnd(text, i);
      if (frame?.keys && frame.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (frame.keys.has(key)) return { path: pathOf(frame), key };
        frame.keys.add(key);
        frame.lastKey = key;
        frame.expectKey = false;
      }
      i = end;
    } else if (char === "{" || char === "[") {
      const segment = !frame ? "" : frame.keys ? `.${frame.lastKey}` : `[${frame.index}]`;
      frame = {
        parent: frame,
        segment,
        keys: char === "{" ? new Set() : undefined,
        lastKey: "",
        index: 0,
        expectKey: true,
      };
    } else if (char === "}" || char === "]") {
      frame = frame?.parent;
    } else if (char === "," && frame) {
      if (frame.keys) frame.expectKey = true;
      else frame.index++;
    }
  }
  return undefined;
}

/** Longest path quoted in an error message: a deeply nested body must not make a larger answer. */
const MAX_QUOTED_PATH = 120;

function clip(text: string): string {
  return text.length <= MAX_QUOTED_PATH ? text : `${text.slice(0, MAX_QUOTED_PATH)}…`;
}

/** The message of a {@link DuplicateKey} found in `context` ("body", "message"); long paths and keys are clipped. */
export function duplicateKeyMessage(context: string, duplicate: DuplicateKey): { field: string; message: string } {
  const object = clip(duplicate.path ? `${context}.${duplicate.path}` : context);
  const key = clip(duplicate.key);
  return {
    field: `${object}.${key}`,
    message: `${object} has the key "${key}" more than once; send each key once`,
  };
}

/** The charset parameter of a content type, lower case, if any. */
function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
}

/**
 * Replaces Fastify's `application/json` parser on `app` with one that also refuses (415) a charset other than UTF-8
 * and (400 `INVALID_REQUEST`, `details.field` naming it) a duplicate key; malformed JSON and prototype-poisoning keys
 * stay Fastify's errors (400).
 */
export function registerStrictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    "application/json",
    { parseAs: "string" },
    (request: FastifyRequest, body: string, done: (error: Error | null, body?: unknown) => void) => {
      const charset = charsetOf(request.headers["content-type"]);
      if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
        done(
          new ApiError(
            ApiErrorCode.UnsupportedMediaType,
            415,
            `unsupported charset "${charset.slice(0, 40)}"; send application/json in UTF-8`,
          ),
        );
        return;
      }
      void parseJson(request, body, (error, parsed) => {
        if (error) return done(error);
        const duplicate = findDuplicateKey(body);
        if (!duplicate) return done(null, parsed);
        const { field, message } = duplicateKeyMessage("body", duplicate);
        done(new ApiError(ApiErrorCode.InvalidRequest, 400, message, { field }));
      });
    },
  );
}
