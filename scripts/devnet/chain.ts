/**
 * The devnet's chain: `hardhat node` on 127.0.0.1 as a child process, then the real deploy steps
 * (`hardhat deploy --network localhost`) against it. Both run with `scripts/devnet/hardhat.config.ts`, which keeps
 * hardhat-deploy's records in the devnet's work dir instead of `deploy/deployments/localhost`.
 */
import { createServer } from "node:net";
import path from "node:path";
import { DevnetError } from "./errors";
import { DEVNET_DEPLOYMENTS_ENV } from "./hardhatPaths";
import { ManagedProcess, describeExit } from "./managedProcess";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Hardhat's command line (its package `bin`). */
const HARDHAT_CLI = require.resolve("hardhat/internal/cli/bootstrap.js");

/** The devnet's Hardhat configuration (see the module comment). */
const DEVNET_HARDHAT_CONFIG = path.join(__dirname, "hardhat.config.ts");

/** The interface the node listens on. */
export const NODE_HOST = "127.0.0.1";

/** What every Hardhat child of the devnet needs. */
export interface HardhatRunOptions {
  /** The work dir: log files and the deployment records go there. */
  workDir: string;
  /** The environment the child starts from (see `childBaseEnv`). */
  env: NodeJS.ProcessEnv;
  /** Print the child's output on the terminal too. */
  follow: boolean;
  /** Aborted when the operator stops the devnet during start-up. */
  signal: AbortSignal;
}

/** The folder holding hardhat-deploy's records of the devnet (`<workDir>/deployments`, network `localhost`). */
export function deploymentsDirOf(workDir: string): string {
  return path.join(workDir, "deployments");
}

/**
 * Checks that nothing listens on `host:port`, so that the devnet never mistakes another node for its own.
 * @throws DevnetError naming the port and the option to change it.
 */
export async function assertPortFree(port: number, option: string, host = NODE_HOST): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new DevnetError(
          error.code === "EADDRINUSE"
            ? `Port ${port} on ${host} is in use: stop what listens there or choose another with ${option}`
            : `Cannot listen on ${host}:${port} (${error.message}): choose another port with ${option}`,
        ),
      ),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** A JSON-RPC call to `rpcUrl`; throws the node's error message, or the transport error. */
export async function rpcCall<T>(
  rpcUrl: string,
  method: string,
  params: unknown[] = [],
  timeoutMs = 2_000,
): Promise<T> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { result?: T; error?: { message?: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message ?? JSON.stringify(body.error)}`);
  return body.result as T;
}

/** The running node. */
export interface DevnetNode {
  process: ManagedProcess;
  rpcUrl: string;
  chainId: number;
}

/**
 * Starts `hardhat node --no-deploy` on 127.0.0.1:`port` (log `<workDir>/node.log`) and waits until it answers
 * `eth_chainId`; then turns the node's per-request logging off (the keepers poll every second).
 * @throws DevnetError when the port is taken, or the node exits or does not answer within `timeoutMs`.
 */
export async function startNode(port: number, options: HardhatRunOptions, timeoutMs = 60_000): Promise<DevnetNode> {
  await assertPortFree(port, "--port");
  const rpcUrl = `http://${NODE_HOST}:${port}`;
  const node = ManagedProcess.start({
    name: "node",
    args: [
      HARDHAT_CLI,
      "--config",
      DEVNET_HARDHAT_CONFIG,
      "node",
      "--no-deploy",
      "--hostname",
      NODE_HOST,
      "--port",
      String(port),
    ],
    env: hardhatEnv(rpcUrl, options),
    cwd: REPO_ROOT,
    logFile: path.join(options.workDir, "node.log"),
    follow: options.follow,
  });
  try {
    const chainId = await waitForRpc(rpcUrl, node, timeoutMs, options.signal);
    await rpcCall(rpcUrl, "hardhat_setLoggingEnabled", [false]);
    return { process: node, rpcUrl, chainId };
  } catch (error) {
    // The caller only stops what it got back: a node that never answered is stopped here.
    await node.stop(5_000);
    throw error;
  }
}

/** Polls `eth_chainId` every 250 ms until the node answers; returns the chain id. */
async function waitForRpc(rpcUrl: string, node: ManagedProcess, timeoutMs: number, signal: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal.aborted) throw signal.reason;
    if (!node.running) {
      throw new DevnetError(
        `hardhat node ${describeExit(await node.exited)} before answering at ${rpcUrl}${node.tailText()}`,
      );
    }
    try {
      return Number(BigInt(await rpcCall<string>(rpcUrl, "eth_chainId", [], 1_000)));
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new DevnetError(`hardhat node did not answer at ${rpcUrl} within ${timeoutMs / 1000} s${node.tailText()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Runs the deploy steps against the node (`hardhat deploy --network localhost`, log `<workDir>/deploy.log`) with
 * `roleEnv` (`KEEL_<ROLE>=<address>`) naming the holders of the operational roles; resolves with the records folder.
 * @throws DevnetError with the log's tail when the deploy fails.
 */
export async function deployKeel(
  rpcUrl: string,
  roleEnv: Record<string, string>,
  options: HardhatRunOptions,
): Promise<string> {
  const deploy = ManagedProcess.start({
    name: "deploy",
    args: [HARDHAT_CLI, "--config", DEVNET_HARDHAT_CONFIG, "deploy", "--network", "localhost"],
    env: { ...hardhatEnv(rpcUrl, options), ...roleEnv },
    cwd: REPO_ROOT,
    logFile: path.join(options.workDir, "deploy.log"),
    follow: options.follow,
  });
  const onAbort = () => void deploy.stop(5_000);
  options.signal.addEventListener("abort", onAbort, { once: true });
  const exit = await deploy.exited;
  options.signal.removeEventListener("abort", onAbort);
  if (options.signal.aborted) throw options.signal.reason;
  if (exit.code !== 0)
    throw new DevnetError(
      `The deploy (hardhat deploy --network localhost) ${describeExit(exit)}${deploy.tailText(30)}`,
    );
  return deploymentsDirOf(options.workDir);
}

function hardhatEnv(rpcUrl: string, options: HardhatRunOptions): NodeJS.ProcessEnv {
  return { ...options.env, LOCALHOST_RPC_URL: rpcUrl, [DEVNET_DEPLOYMENTS_ENV]: deploymentsDirOf(options.workDir) };
}
