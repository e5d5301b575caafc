/**
 * Keeper configuration: one zod schema per keeper (the shared {@link baseConfigSchema} extended with its own fields),
 * filled from schema defaults < a JSON config file < `KEEL_*` environment variables < command-line overrides, parsed
 * once at start-up. A bad value stops the keeper with a {@link ConfigError} listing every problem, each naming the
 * field, the environment variable to set and the file it came from.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** pino log levels, most to least severe. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A pino log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The fields every keeper shares. Extend it with `baseConfigSchema.extend({ ... })` for a keeper's own fields; every
 * top-level field `fooBar` can then be set with `KEEL_FOO_BAR` or `"fooBar"` in the config file.
 */
export const baseConfigSchema = z.object({
  /** JSON-RPC endpoint of the chain (HTTP(S) or WS(S)). */
  rpcUrl: z.url({ protocol: /^(?:https?|wss?)$/ }).default("http://127.0.0.1:8545"),
  /** Expected chain id; when set, keepers refuse to run against an endpoint that reports another. */
  chainId: z.number().int().positive().optional(),
  /** The keeper's signing key; absent for read-only keepers. Never logged. */
  privateKey: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte hex private key")
    .optional(),
  /** hardhat-deploy's deployments folder (holds one folder per network). */
  deploymentsDir: z.string().min(1).default("deploy/deployments"),
  /** The folder under `deploymentsDir` holding the contracts' JSON files (PositionManager.json, ...). */
  network: z.string().min(1).default("localhost"),
  /** Minimum pino log level. */
  logLevel: z.enum(LOG_LEVELS).default("info"),
  /** TCP port of `/metrics` and `/health`; 0 picks a free port (logged at start). */
  opsPort: z.number().int().min(0).max(65_535).default(0),
  /** Interface `/metrics` and `/health` listen on; loopback unless a scraper needs more. */
  opsHost: z.string().min(1).default("127.0.0.1"),
  /** Delay between two polls of the chain, in milliseconds. */
  pollIntervalMs: z.number().int().positive().default(1_000),
});

/** The parsed shared configuration. */
export type BaseConfig = z.output<typeof baseConfigSchema>;

/** A wad amount in JSON or the environment: a decimal integer string (1e18 = 1 USD), as DESIGN §2 writes bigints. */
export const wadSchema = z
  .union([
    z.string().regex(/^-?\d+$/, 'expected a wad as a decimal integer string, e.g. "20000000000000000000000"'),
    z.bigint(),
  ])
  .transform((value) => BigInt(value));

/** Where a configuration value came from, for error messages. */
type Source = { kind: "env"; variable: string } | { kind: "file"; file: string } | { kind: "override" };

/** Thrown when the configuration cannot be loaded or does not validate; `problems` holds one line per problem. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(
    /** Each problem as a sentence a person can act on. */
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `Invalid keeper configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
      options,
    );
  }
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Environment to read (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** JSON config file; defaults to the `<prefix>CONFIG` environment variable; none when both are unset. */
  file?: string;
  /** Highest-priority values, typically command-line flags; `undefined` entries are ignored. */
  overrides?: Record<string, unknown>;
  /** Prefix of the environment variables (default `"KEEL_"`). */
  prefix?: string;
}

/**
 * The environment variable of a top-level config field: the prefix followed by the field in UPPER_SNAKE case.
 * @example envVarName("rpcUrl") // "KEEL_RPC_URL"
 */
export function envVarName(field: string, prefix = "KEEL_"): string {
  return prefix + field.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/**
 * Loads and validates a keeper's configuration. Values merge, lowest priority first: the schema's defaults, the JSON
 * config file (`options.file`, else `$KEEL_CONFIG`), environment variables (`KEEL_RPC_URL` for `rpcUrl`; numbers,
 * booleans, bigints and JSON objects are converted from their text according to the schema; empty variables count
 * as unset), then `options.overrides`.
 *
 * @throws ConfigError when the file is missing, is not a JSON object or has keys the schema does not know, or when
 *   any value fails validation: the message lists every problem, one per line, each with the field, the environment
 *   variable to set and the source of the bad value. Secret-looking values (keys, passwords, tokens) are never echoed.
 * @example
 * const schema = baseConfigSchema.extend({ batchGasBudget: z.number().int().positive().default(1_800_000) });
 * const config = loadConfig(schema, { overrides: { logLevel: cliFlags.logLevel } });
 */
export function loadConfig<S extends z.ZodObject>(schema: S, options: LoadConfigOptions = {}): z.output<S> {
  const { env = process.env, prefix = "KEEL_", overrides = {} } = options;
  const shape = schema.shape as Record<string, z.ZodType>;
  const input: Record<string, unknown> = {};
  const sources = new Map<string, Source>();

  const fileSetting = options.file ?? nonEmpty(env[`${prefix}CONFIG`]);
  const file = fileSetting === undefined ? undefined : path.resolve(fileSetting);
  if (file !== undefined) {
    const fromFile = readConfigFile(file, prefix, Object.keys(shape));
    for (const [key, value] of Object.entries(fromFile)) {
      input[key] = value;
      sources.set(key, { kind: "file", file });
    }
  }
  for (const [key, fieldSchema] of Object.entries(shape)) {
    const variable = envVarName(key, prefix);
    const text = nonEmpty(env[variable]);
    if (text === undefined) continue;
    input[key] = fromEnvText(text, fieldSchema);
    sources.set(key, { kind: "env", variable });
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    input[key] = value;
    sources.set(key, { kind: "override" });
  }

  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fileHint = file ?? `a JSON file named by ${prefix}CONFIG`;
  throw new ConfigError(
    result.error.issues.map((issue) =>
      describeIssue(issue, input, sources.get(String(issue.path[0])), prefix, fileHint),
    ),
    { cause: result.error },
  );
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === "" ? undefined : text;
}

/** Reads the config file: a JSON object whose keys are all fields of the schema. */
function readConfigFile(file: string, prefix: string, fields: readonly string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : String(error);
    throw new ConfigError([`config file ${file} ${reason} (fix the path given by ${prefix}CONFIG or --config)`], {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`config file ${file} is not valid JSON: ${(error as Error).message}`], { cause: error });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError([`config file ${file} must hold a JSON object such as {"rpcUrl": "http://127.0.0.1:8545"}`]);
  }
  const unknown = Object.keys(parsed).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((key) => `config file ${file}: unknown field "${key}" (known fields: ${fields.join(", ")})`),
    );
  }
  return parsed as Record<string, unknown>;
}

/** The zod type name a field validates once wrappers (default, optional, nullable, pipe, ...) are peeled off. */
function baseTypeName(fieldSchema: z.ZodType): string {
  let def = (fieldSchema as unknown as { _zod: { def: ZodDefLike } })._zod.def;
  for (let depth = 0; depth < 16; depth++) {
    const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (inner === undefined) break;
    def = inner._zod.def;
  }
  return def.type;
}

interface ZodDefLike {
  type: string;
  innerType?: { _zod: { def: ZodDefLike } };
  in?: { _zod: { def: ZodDefLike } };
}

/** Converts an environment variable's text to what the field validates; leaves it as text when it does not convert. */
function fromEnvText(text: string, fieldSchema: z.ZodType): unknown {
  const trimmed = text.trim();
  switch (baseTypeName(fieldSchema)) {
    case "number":
      return /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : text;
    case "bigint":
      return /^-?\d+$/.test(trimmed) ? BigInt(trimmed) : text;
    case "boolean": {
      const lower = trimmed.toLowerCase();
      if (["true", "1", "yes", "on"].includes(lower)) return true;
      if (["false", "0", "no", "off"].includes(lower)) return false;
      return text;
    }
    case "object":
    case "record":
    case "array":
    case "tuple":
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        return text; // zod then reports "expected object, received string" with the text.
      }
    default:
      return text;
  }
}

const SECRET_FIELD = /key|secret|password|token|mnemonic/i;

/** One problem line: field, what is wrong, the offending value, and how to fix it. */
function describeIssue(
  issue: z.core.$ZodIssue,
  input: Record<string, unknown>,
  source: Source | undefined,
  prefix: string,
  fileHint: string,
): string {
  const field = issue.path.map(String).join(".");
  const topKey = String(issue.path[0] ?? "");
  let value: unknown = input;
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];

  let problem = issue.message;
  if (issue.code === "invalid_type" && value === undefined) problem = `required (expected ${issue.expected})`;
  else if (value !== undefined) problem += SECRET_FIELD.test(field) ? " (value hidden)" : ` ${preview(value)}`;

  const fix = `set ${envVarName(topKey, prefix)} or "${topKey}" in ${fileHint}`;
  const from =
    source === undefined
      ? ""
      : source.kind === "env"
        ? `from ${source.variable}; `
        : source.kind === "file"
          ? `from ${source.file}; `
          : "from the command line; ";
  return `${field || "(config)"}: ${problem} (${from}${fix})`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
