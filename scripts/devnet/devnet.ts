/**
 * A local Keel network as an operator runs it (issue 8, item 5): `hardhat node` on 127.0.0.1, the real deploy steps,
 * and every keeper as its own process. {@link Devnet.run} starts everything, waits until the operator stops it (or a
 * process dies), then stops the keepers in reverse start order and the node last.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { GatewayClient } from "../../keepers/gateway/client";
import { assertNodeHasAccounts, deployRoleEnv, roleAccounts, type DevnetAccount, type DevnetRole } from "./accounts";
import { assertPortFree, deployKeel, rpcCall, startNode, type HardhatRunOptions } from "./chain";
import { childBaseEnv } from "./env";
import { DevnetError } from "./errors";
import {
  KEEPER_NAMES,
  KEEPER_ROLES,
  opsPortOf,
  startKeeper,
  waitForGateway,
  waitUntilServing,
  type KeeperName,
  type KeeperSetting,
} from "./keepers";
import { describeExit, type ManagedProcess, type ProcessExit } from "./managedProcess";
import { checkReplayData, oracleConfig, writeOracleConfig } from "./oracleConfig";
import { formatSummary, writeSummary, type DevnetSummary, type ProcessSummary } from "./summary";

/** How to run the devnet (the command-line options of `npm run devnet`). */
export interface DevnetOptions {
  /** JSON-RPC port of the node on 127.0.0.1. */
  port: number;
  /** Folder for logs, deployment records, the journal and the oracle config; must be empty or absent. */
  workDir: string;
  /** Also print every process's output on the terminal. */
  follow: boolean;
  /** Start the keepers (false: the node and the deploy only). */
  keepers: boolean;
  /** The matcher gateway's port (0: any free one). */
  gatewayPort: number;
  /** The first keeper's ops port; the others follow in start order (0: each picks a free one). */
  opsPort: number;
  /** Time each process gets to exit after SIGTERM before it is killed (ms). */
  stopTimeoutMs: number;
}

/** A running (or starting) devnet; see the module comment. */
export class Devnet {
  /** Every long-running child with its row of the summary, in start order (the node first). */
  private readonly processes: { child: ManagedProcess; row: ProcessSummary }[] = [];

  constructor(
    private readonly options: DevnetOptions,
    /** Where the devnet's own messages go (the terminal). */
    private readonly print: (text: string) => void,
  ) {}

  /**
   * Starts everything, runs until `stop` aborts or a child exits on its own, then stops every child.
   * @returns 0 when the operator stopped the devnet and every child stopped cleanly (a keeper with exit code 0 after
   *   SIGTERM, the node); 1 when start-up failed, a child died on its own, or a child had to be killed.
   */
  async run(stop: AbortSignal): Promise<number> {
    let failed = false;
    try {
      const summary = await this.start(stop);
      this.print(`\n${formatSummary(summary)}\n`);
      const dead = await this.untilStopOrDeath(stop);
      if (dead !== undefined) {
        failed = true;
        this.print(
          `\n${dead.child.name} (pid ${dead.child.pid}) ${describeExit(dead.exit)} while the devnet was running` +
            `${dead.child.tailText()}\nStopping the devnet.`,
        );
      }
    } catch (error) {
      if (stop.aborted) {
        this.print("Interrupted during start-up: stopping what was started.");
      } else {
        failed = true;
        this.print(
          `devnet: ${error instanceof DevnetError ? error.message : ((error as Error).stack ?? String(error))}`,
        );
      }
    }
    const clean = await this.stopAll();
    return failed || !clean ? 1 : 0;
  }

  /** SIGKILL to every child still running, at once (a second Ctrl-C, or the devnet itself exiting). */
  killAll(): void {
    for (const { child } of this.processes) child.kill();
  }

  private async start(stop: AbortSignal): Promise<DevnetSummary> {
    const { options } = this;
    prepareWorkDir(options.workDir);
    const accounts = roleAccounts();
    const hardhat: HardhatRunOptions = {
      workDir: options.workDir,
      env: childBaseEnv(process.env),
      follow: options.follow,
      signal: stop,
    };
    this.print(`Starting hardhat node on 127.0.0.1:${options.port} (work dir ${options.workDir})`);
    const node = await startNode(options.port, hardhat);
    this.track(node.process, {});
    assertNodeHasAccounts(await rpcCall<string[]>(node.rpcUrl, "eth_accounts"), accounts);
    this.print("Deploying Keel: hardhat deploy --network localhost");
    const deploymentsDir = await deployKeel(node.rpcUrl, deployRoleEnv(accounts), hardhat);
    const summary: DevnetSummary = {
      rpcUrl: node.rpcUrl,
      chainId: node.chainId,
      workDir: options.workDir,
      deploymentsDir,
      roles: Object.fromEntries(
        Object.entries(accounts).map(([role, { index, address }]) => [role, { index, address }]),
      ) as DevnetSummary["roles"],
      processes: [],
    };
    if (options.keepers) await this.startKeepers(summary, accounts, stop);
    summary.processes = this.processes.map(({ row }) => row);
    writeSummary(summary);
    return summary;
  }

  private async startKeepers(
    summary: DevnetSummary,
    accounts: Record<DevnetRole, DevnetAccount>,
    stop: AbortSignal,
  ): Promise<void> {
    const { options } = this;
    await this.assertKeeperPortsFree();
    const setting: KeeperSetting = {
      rpcUrl: summary.rpcUrl,
      deploymentsDir: summary.deploymentsDir,
      workDir: options.workDir,
      journal: path.join(options.workDir, "journal.sqlite"),
      gatewayPort: options.gatewayPort,
      firstOpsPort: options.opsPort,
      accounts,
      env: childBaseEnv(process.env),
      follow: options.follow,
    };
    summary.journal = setting.journal;
    this.print("Starting the matcher and its gateway");
    const matcher = startKeeper("matcher", setting);
    const matcherRow = this.track(matcher, {});
    const gateway = await waitForGateway(matcher, stop);
    Object.assign(matcherRow, await waitUntilServing(matcher, stop));
    Object.assign(summary, { gatewayUrl: gateway.url, wsUrl: gateway.wsUrl });

    const oracleConfigFile = await this.prepareOracle(summary, gateway.url, stop);
    const names = KEEPER_NAMES.filter((n) => n !== "matcher" && (n !== "oracle" || oracleConfigFile !== undefined));
    this.print(`Starting ${names.join(", ")}`);
    const started = names.map((name) => {
      const keeper = startKeeper(name, setting, { gatewayUrl: gateway.url, oracleConfigFile });
      return { keeper, row: this.track(keeper, accountOf(name, setting)) };
    });
    await Promise.all(started.map(async ({ keeper, row }) => Object.assign(row, await waitUntilServing(keeper, stop))));
  }

  /** Writes the oracle's config; returns its path, or undefined (and says why) when the recorded data is missing. */
  private async prepareOracle(summary: DevnetSummary, gatewayUrl: string, stop: AbortSignal) {
    const markets = await new GatewayClient(gatewayUrl).markets();
    const data = await checkReplayData();
    if (stop.aborted) throw stop.reason;
    if (!data.available) {
      summary.oracleSkipped =
        "the recorded market data is unavailable and the oracle command has no synthetic source, so no prices are " +
        "pushed (orders are refused until a market has a mark)";
      this.print(
        `Recorded market data unavailable: ${data.reason}\nThe oracle keeper is NOT started: ${summary.oracleSkipped}.`,
      );
      return undefined;
    }
    const file = path.join(this.options.workDir, "oracle.json");
    writeOracleConfig(file, oracleConfig(new Map(markets.map((m) => [m.symbol, m.marketId])), gatewayUrl));
    summary.oracleConfigFile = file;
    return file;
  }

  /** Fails fast, before any keeper starts, when a fixed gateway or ops port is taken. */
  private async assertKeeperPortsFree(): Promise<void> {
    const { gatewayPort, opsPort } = this.options;
    if (gatewayPort !== 0) await assertPortFree(gatewayPort, "--gateway-port");
    if (opsPort === 0) return;
    for (const name of KEEPER_NAMES) await assertPortFree(opsPortOf(name, opsPort), "--ops-port");
  }

  /** Remembers a started child (to stop it, and to list it); returns its row, filled in once it serves. */
  private track(child: ManagedProcess, account: Pick<ProcessSummary, "account">): ProcessSummary {
    const row: ProcessSummary = {
      name: child.name as ProcessSummary["name"],
      pid: child.pid,
      ...account,
      logFile: child.logFile,
    };
    this.processes.push({ child, row });
    return row;
  }

  /** Resolves when `stop` aborts (undefined) or with the first child that exits on its own. */
  private async untilStopOrDeath(stop: AbortSignal): Promise<{ child: ManagedProcess; exit: ProcessExit } | undefined> {
    if (stop.aborted) return undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      stop.addEventListener("abort", onAbort, { once: true });
    });
    const deaths = this.processes.map(({ child }) => child.exited.then((exit) => ({ child, exit })));
    const outcome = await Promise.race([stopped, ...deaths]);
    if (onAbort) stop.removeEventListener("abort", onAbort);
    return outcome;
  }

  /**
   * Stops every child in reverse start order; true when each stopped cleanly: a keeper that serves /health must exit
   * with code 0 (its graceful shutdown ran); the node, or a keeper still starting (no signal handler yet), may end by
   * the SIGTERM itself. A child that had to be killed, or had already exited, is not clean.
   */
  private async stopAll(): Promise<boolean> {
    if (this.processes.length === 0) return true;
    let clean = true;
    for (const { child, row } of [...this.processes].reverse()) {
      if (!child.running) {
        clean = false;
        this.print(
          `  ${child.name.padEnd(16)} had already ${describeExit(await child.exited).replace(/^was /, "been ")}`,
        );
        continue;
      }
      const { exit, forced, elapsedMs } = await child.stop(this.options.stopTimeoutMs);
      const serving = row.healthUrl !== undefined;
      const ok = !forced && (exit.code === 0 || (!serving && exit.signal === "SIGTERM"));
      clean &&= ok;
      const how = forced ? `did not stop within ${this.options.stopTimeoutMs / 1000} s: killed` : describeExit(exit);
      this.print(`  ${child.name.padEnd(16)} ${how} (${(elapsedMs / 1000).toFixed(1)} s)${ok ? "" : "  <- not clean"}`);
    }
    this.print(clean ? "Devnet stopped." : "Devnet stopped, not cleanly (see above).");
    return clean;
  }
}

/** The account row of a keeper that signs. */
function accountOf(name: KeeperName, setting: KeeperSetting): Pick<ProcessSummary, "account"> {
  const role = KEEPER_ROLES[name];
  if (role === undefined) return {};
  const { index, address } = setting.accounts[role];
  return { account: { role, index, address } };
}

/**
 * Creates the work dir and its `logs/` folder.
 * @throws DevnetError when the folder exists and is not empty: a devnet starts a fresh chain, so an old journal or
 *   old deployment records must not be mixed into it.
 */
function prepareWorkDir(workDir: string): void {
  if (existsSync(workDir) && readdirSync(workDir).length > 0) {
    throw new DevnetError(
      `Work dir ${workDir} is not empty: each devnet starts a fresh chain, so its journal, deployment records and ` +
        "logs must not mix with an earlier one's. Choose another --work-dir or delete that folder.",
    );
  }
  mkdirSync(path.join(workDir, "logs"), { recursive: true });
}
