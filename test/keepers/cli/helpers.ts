/**
 * Running keepers as their own processes in tests: a hardhat-deploy folder for the in-process chain's contracts, the
 * JSON log lines a keeper prints, and its exit code.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ethers } from "hardhat";
import { keelAddresses, type KeelFixture } from "../../fixtures/keel";
import { startRpcServer, type RpcEndpoint } from "../settlement/helpers";

/** The `keel-keeper` executable. */
export const CLI = path.resolve(__dirname, "../../../bin/keel-keeper.js");

/** Writes `<Name>.json` with each contract's address and `.chainId` into `folder`, as hardhat-deploy does. */
export async function writeDeployment(f: KeelFixture, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  for (const [name, address] of Object.entries(keelAddresses(f)))
    writeFileSync(path.join(folder, `${name}.json`), JSON.stringify({ address }));
  writeFileSync(path.join(folder, ".chainId"), String((await ethers.provider.getNetwork()).chainId));
}

/** One pino log line. */
export type JsonLine = Record<string, unknown>;

/** Collects the JSON log lines of `child`; `waitFor` resolves with the first line `match` accepts. */
export function collectJsonLines(child: ChildProcessWithoutNullStreams) {
  const seen: JsonLine[] = [];
  const waiters: { match: (l: JsonLine) => boolean; resolve: (l: JsonLine) => void }[] = [];
  let buffer = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let line: JsonLine;
      try {
        line = JSON.parse(text) as JsonLine;
      } catch {
        continue;
      }
      seen.push(line);
      for (const w of waiters.filter((w) => w.match(line))) w.resolve(line);
    }
  });
  return {
    waitFor(match: (l: JsonLine) => boolean, timeoutMs = 60_000): Promise<JsonLine> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line; stderr: ${stderr}`)), timeoutMs);
        child.once("exit", (code) => reject(new Error(`keeper exited (${code}) early; stderr: ${stderr}`)));
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}

/** The exit code of `child` once it has exited. */
export function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** A JSON-RPC endpoint over the in-process chain and a deployments folder: what a keeper process is pointed at. */
export interface KeeperHost {
  rpc: RpcEndpoint;
  /** A temporary folder (the deployments are in `deployments/test`). */
  dir: string;
  /** Spawns `keel-keeper <args>` against the endpoint (network `test`, ops port 0, 100 ms polls) with `env` added. */
  spawn(args: string[], env?: Record<string, string>): ChildProcessWithoutNullStreams;
  close(): Promise<void>;
}

/** Serves the in-process chain over JSON-RPC and writes `f`'s deployment for keeper processes. */
export async function startKeeperHost(f: KeelFixture): Promise<KeeperHost> {
  const rpc = await startRpcServer();
  const dir = mkdtempSync(path.join(tmpdir(), "keel-cli-"));
  await writeDeployment(f, path.join(dir, "deployments", "test"));
  return {
    rpc,
    dir,
    spawn: (args, env = {}) =>
      spawn(process.execPath, [CLI, ...args], {
        env: {
          ...process.env,
          KEEL_RPC_URL: rpc.url,
          KEEL_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
          KEEL_NETWORK: "test",
          KEEL_OPS_PORT: "0",
          KEEL_POLL_INTERVAL_MS: "100",
          ...env,
        },
      }),
    async close() {
      await rpc.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
