/**
 * The keepers of the devnet, each its own `node bin/keel-keeper.js <name>` process configured like an operator would:
 * `KEEL_*` variables (flags where a keeper reads none), its own key, its own ops port, its log in the work dir.
 */
import path from "node:path";
import type { DevnetAccount, DevnetRole } from "./accounts";
import { REPO_ROOT } from "./chain";
import { ManagedProcess, type JsonLine } from "./managedProcess";

/** The `keel-keeper` entry point. */
const KEEPER_CLI = path.join(REPO_ROOT, "bin", "keel-keeper.js");

/** Every keeper, in start order (the devnet stops them in reverse). */
export const KEEPER_NAMES = [
  "matcher",
  "settlement",
  "oracle",
  "funding",
  "liquidator",
  "adl",
  "backstop-unwind",
] as const;

/** One keeper's name. */
export type KeeperName = (typeof KEEPER_NAMES)[number];

/** The role whose account signs for each keeper (the matcher holds no key: settlement sends its batches). */
export const KEEPER_ROLES: Readonly<Record<KeeperName, DevnetRole | undefined>> = Object.freeze({
  matcher: undefined,
  settlement: "MATCHER_ROLE",
  oracle: "ORACLE_ROLE",
  funding: "FUNDING_ROLE",
  liquidator: "LIQUIDATOR_ROLE",
  adl: "ADL_ROLE",
  "backstop-unwind": "BACKSTOP_OPERATOR_ROLE",
});

/** What every keeper of one devnet shares. */
export interface KeeperSetting {
  rpcUrl: string;
  /** hardhat-deploy's records folder (network `localhost` inside). */
  deploymentsDir: string;
  workDir: string;
  /** The SQLite journal the matcher and settlement share. */
  journal: string;
  /** The gateway's port (0: any free one). */
  gatewayPort: number;
  /** The first keeper's ops port; the others follow in {@link KEEPER_NAMES} order (0: each picks a free one). */
  firstOpsPort: number;
  accounts: Record<DevnetRole, DevnetAccount>;
  /** The environment the keepers start from (see `childBaseEnv`). */
  env: NodeJS.ProcessEnv;
  follow: boolean;
}

/** The gateway and oracle settings known once the matcher runs. */
export interface FollowerSetting {
  gatewayUrl: string;
  /** The oracle's config file; undefined when the oracle cannot run (no recorded data). */
  oracleConfigFile?: string;
}

/** The ops port of `name`. */
export function opsPortOf(name: KeeperName, firstOpsPort: number): number {
  return firstOpsPort === 0 ? 0 : firstOpsPort + KEEPER_NAMES.indexOf(name);
}

/** The `keel-keeper` arguments and environment of `name`. */
export function keeperCommand(
  name: KeeperName,
  setting: KeeperSetting,
  follower?: FollowerSetting,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const role = KEEPER_ROLES[name];
  const env: NodeJS.ProcessEnv = {
    ...setting.env,
    KEEL_RPC_URL: setting.rpcUrl,
    KEEL_DEPLOYMENTS_DIR: setting.deploymentsDir,
    KEEL_NETWORK: "localhost",
    KEEL_OPS_PORT: String(opsPortOf(name, setting.firstOpsPort)),
    ...(role === undefined ? {} : { KEEL_PRIVATE_KEY: setting.accounts[role].privateKey }),
    ...(follower === undefined ? {} : { KEEL_GATEWAY_URL: follower.gatewayUrl }),
  };
  const args = [KEEPER_CLI, name];
  switch (name) {
    case "matcher":
      Object.assign(env, { KEEL_GATEWAY_PORT: String(setting.gatewayPort), KEEL_JOURNAL: setting.journal });
      break;
    case "settlement":
      // Settlement reads its deployment from flags only (no KEEL_DEPLOYMENTS_DIR / KEEL_NETWORK).
      Object.assign(env, { KEEL_JOURNAL: setting.journal });
      args.push("--deployments", setting.deploymentsDir, "--network", "localhost");
      break;
    case "oracle":
      if (follower?.oracleConfigFile === undefined) throw new Error("internal: the oracle needs its config file");
      Object.assign(env, { KEEL_CONFIG: follower.oracleConfigFile });
      break;
    default:
      break;
  }
  return { args, env };
}

/** Starts keeper `name`; its output goes to `<workDir>/logs/<name>.log`. */
export function startKeeper(name: KeeperName, setting: KeeperSetting, follower?: FollowerSetting): ManagedProcess {
  const { args, env } = keeperCommand(name, setting, follower);
  return ManagedProcess.start({
    name,
    args,
    env,
    cwd: REPO_ROOT,
    logFile: path.join(setting.workDir, "logs", `${name}.log`),
    follow: setting.follow,
  });
}

/** Where a running keeper serves its metrics and health. */
export interface OpsUrls {
  metricsUrl: string;
  healthUrl: string;
}

/** Time a keeper gets to start serving `/health` (ts-node start-up, chain rebuild). */
export const KEEPER_START_TIMEOUT_MS = 60_000;

/**
 * Waits for the keeper's "running" log line (every keeper logs `{ metrics, health }` once its ops server listens).
 * @throws DevnetError when it exits first or is silent for {@link KEEPER_START_TIMEOUT_MS}.
 */
export async function waitUntilServing(keeper: ManagedProcess, signal: AbortSignal): Promise<OpsUrls> {
  const line = await keeper.waitForJsonLine(
    (l) => typeof l.metrics === "string" && typeof l.health === "string",
    "its /metrics and /health URLs",
    { timeoutMs: KEEPER_START_TIMEOUT_MS, signal },
  );
  return { metricsUrl: line.metrics as string, healthUrl: line.health as string };
}

/**
 * The gateway's HTTP and WebSocket URLs from the matcher's "matcher gateway listening" line.
 * @throws DevnetError when the matcher exits first or is silent for {@link KEEPER_START_TIMEOUT_MS}.
 */
export async function waitForGateway(
  matcher: ManagedProcess,
  signal: AbortSignal,
): Promise<{ url: string; wsUrl: string }> {
  const isGatewayLine = (l: JsonLine) => typeof l.url === "string" && typeof l.ws === "string";
  const line = await matcher.waitForJsonLine(isGatewayLine, "its gateway URL", {
    timeoutMs: KEEPER_START_TIMEOUT_MS,
    signal,
  });
  return { url: line.url as string, wsUrl: line.ws as string };
}
