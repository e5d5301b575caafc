/** Helpers of the keeper-core tests: waiting for a condition, funded throwaway wallets, automine control. */
import { ethers, network } from "hardhat";
import type { HDNodeWallet } from "ethers";
import { createLogger, type LogLevel, type Logger } from "../../../keepers/core";

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs` with `what` in the message. */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A new wallet on the Hardhat network holding 100 ETH (no other test uses its nonces). */
export async function fundedWallet(): Promise<HDNodeWallet> {
  const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
  await network.provider.send("hardhat_setBalance", [wallet.address, ethers.toQuantity(ethers.parseEther("100"))]);
  return wallet;
}

/** Turns Hardhat's automine on or off. */
export async function setAutomine(on: boolean): Promise<void> {
  await network.provider.send("evm_setAutomine", [on]);
}

/** Mines one block with every pending transaction that fits. */
export async function mineBlock(): Promise<void> {
  await network.provider.send("evm_mine", []);
}

/** Nonces of `address` that are pending in the mempool, above its latest nonce. */
export async function pendingNonces(address: string): Promise<number> {
  const [latest, pending] = await Promise.all([
    ethers.provider.getTransactionCount(address, "latest"),
    ethers.provider.getTransactionCount(address, "pending"),
  ]);
  return pending - latest;
}

/** A keeper logger that records every line as a parsed object instead of printing it. */
export function recordingLogger(level: LogLevel = "debug"): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("test", level, {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}
