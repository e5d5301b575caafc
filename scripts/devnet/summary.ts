/**
 * What the devnet tells its operator once everything runs: a table on the terminal, and the same facts as
 * `<workDir>/devnet.json` for scripts and tests.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { DevnetAccount, DevnetRole } from "./accounts";
import type { KeeperName } from "./keepers";

/** One process of the devnet as listed. */
export interface ProcessSummary {
  name: "node" | KeeperName;
  pid: number | undefined;
  /** The account it signs with, if any. */
  account?: { role: DevnetRole; index: number; address: string };
  metricsUrl?: string;
  healthUrl?: string;
  logFile: string;
}

/** The content of `devnet.json`. */
export interface DevnetSummary {
  rpcUrl: string;
  chainId: number;
  /** The matcher gateway (HTTP) and its WebSocket URL; absent with `--no-keepers`. */
  gatewayUrl?: string;
  wsUrl?: string;
  workDir: string;
  /** hardhat-deploy's records: `<deploymentsDir>/localhost/<Contract>.json`. */
  deploymentsDir: string;
  /** The SQLite journal of the matcher and settlement. */
  journal?: string;
  oracleConfigFile?: string;
  /** Why the oracle keeper is not running, when it is not. */
  oracleSkipped?: string;
  /** Each operational role's Hardhat account (index and address; the keys are Hardhat's public test keys). */
  roles: Record<DevnetRole, Omit<DevnetAccount, "privateKey">>;
  processes: ProcessSummary[];
}

/** Writes `devnet.json` into the work dir; returns its path. */
export function writeSummary(summary: DevnetSummary): string {
  const file = path.join(summary.workDir, "devnet.json");
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  return file;
}

/** The terminal text: addresses, then one row per process. */
export function formatSummary(summary: DevnetSummary): string {
  const rel = (file: string) => path.relative(summary.workDir, file);
  const lines = [
    "Keel devnet is running. Ctrl-C stops it.",
    "",
    `  RPC URL    ${summary.rpcUrl} (chain ${summary.chainId})`,
    `  gateway    ${summary.gatewayUrl ?? "(not started: --no-keepers)"}${summary.wsUrl ? `  WebSocket ${summary.wsUrl}` : ""}`,
    `  work dir   ${summary.workDir}`,
    `  deployment ${path.join(summary.deploymentsDir, "localhost")}`,
  ];
  if (summary.journal) lines.push(`  journal    ${summary.journal}`);
  if (summary.oracleConfigFile) lines.push(`  oracle     ${summary.oracleConfigFile}`);
  if (summary.oracleSkipped) lines.push(`  oracle     NOT RUNNING: ${summary.oracleSkipped}`);
  lines.push("", ...table(summary.processes.map((p) => processRow(p, rel))));
  lines.push(
    "",
    "Roles: Hardhat default accounts (public test keys, listed at the top of node.log); account 0, the deployer,",
    "keeps admin, market admin, resolver and pauser.",
  );
  for (const [role, account] of Object.entries(summary.roles)) {
    lines.push(`  ${role.padEnd(24)} #${String(account.index).padEnd(3)} ${account.address}`);
  }
  return lines.join("\n");
}

const HEADER = ["process", "pid", "signs as", "metrics", "health", "log"];

function processRow(p: ProcessSummary, rel: (file: string) => string): string[] {
  const account = p.account ? `${p.account.role} #${p.account.index}` : "-";
  return [p.name, String(p.pid ?? "-"), account, p.metricsUrl ?? "-", p.healthUrl ?? "-", rel(p.logFile)];
}

/** Rows padded into columns under {@link HEADER}. */
function table(rows: string[][]): string[] {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  return all.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd(),
  );
}
