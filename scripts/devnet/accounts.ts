/**
 * The devnet's operational keys: each keeper process signs with its own Hardhat default account, so no two processes
 * ever share a nonce sequence. The keys are derived from the mnemonic of Hardhat's built-in network (public test keys,
 * the ones `hardhat node` prints at start); `hardhat.config.ts` does not override that network's accounts.
 */
import { HDNodeWallet } from "ethers";
import { defaultHardhatNetworkHdAccountsConfigParams as HARDHAT_ACCOUNTS } from "hardhat/internal/core/config/default-config";
import { DevnetError } from "./errors";

/** The operational roles the devnet hands to keeper accounts (deploy step 10 reads `KEEL_<ROLE>`). */
export type DevnetRole =
  "MATCHER_ROLE" | "ORACLE_ROLE" | "FUNDING_ROLE" | "LIQUIDATOR_ROLE" | "ADL_ROLE" | "BACKSTOP_OPERATOR_ROLE";

/**
 * Hardhat account index of each role's holder. Account 0 is the deployer (admin, market admin, resolver, pauser) and
 * 18 the fee recipient (hardhat.config.ts named accounts); 1–9 are left free for traders.
 */
export const DEVNET_ROLE_ACCOUNTS: Readonly<Record<DevnetRole, number>> = Object.freeze({
  MATCHER_ROLE: 10,
  ORACLE_ROLE: 11,
  FUNDING_ROLE: 12,
  LIQUIDATOR_ROLE: 13,
  ADL_ROLE: 14,
  BACKSTOP_OPERATOR_ROLE: 15,
});

/** One Hardhat default account. */
export interface DevnetAccount {
  /** Index in the node's account list (derivation path `m/44'/60'/0'/0/<index>`). */
  index: number;
  /** Checksummed address. */
  address: string;
  /** 0x-prefixed private key: a public test key, valid on local chains only. */
  privateKey: string;
}

/**
 * Hardhat default account `index`, derived from the Hardhat network's mnemonic.
 * @throws DevnetError when `index` is outside the node's account list (20 accounts).
 */
export function hardhatAccount(index: number): DevnetAccount {
  const { mnemonic, passphrase, path, initialIndex, count } = HARDHAT_ACCOUNTS;
  if (!Number.isSafeInteger(index) || index < initialIndex || index >= initialIndex + count) {
    throw new DevnetError(
      `Hardhat account ${index} does not exist: the node has accounts ${initialIndex}–${count - 1}`,
    );
  }
  const wallet = HDNodeWallet.fromPhrase(mnemonic, passphrase, `${path}/${index}`);
  return { index, address: wallet.address, privateKey: wallet.privateKey };
}

/** The account of every operational role, from {@link DEVNET_ROLE_ACCOUNTS}. */
export function roleAccounts(): Record<DevnetRole, DevnetAccount> {
  const entries = Object.entries(DEVNET_ROLE_ACCOUNTS).map(([role, index]) => [role, hardhatAccount(index)]);
  return Object.fromEntries(entries) as Record<DevnetRole, DevnetAccount>;
}

/** The deploy's environment naming each role's holder: `KEEL_<ROLE>=<address>` (read by `deploy/params.ts`). */
export function deployRoleEnv(accounts: Record<DevnetRole, DevnetAccount>): Record<string, string> {
  return Object.fromEntries(Object.entries(accounts).map(([role, account]) => [`KEEL_${role}`, account.address]));
}

/**
 * Checks that the node's unlocked accounts (`eth_accounts`) include every role account, i.e. that the node runs with
 * Hardhat's default mnemonic.
 * @throws DevnetError naming the first account the node does not have.
 */
export function assertNodeHasAccounts(nodeAccounts: readonly string[], accounts: Record<DevnetRole, DevnetAccount>) {
  const known = new Set(nodeAccounts.map((a) => a.toLowerCase()));
  for (const [role, account] of Object.entries(accounts)) {
    if (!known.has(account.address.toLowerCase())) {
      throw new DevnetError(
        `The node has no account ${account.address} (Hardhat default #${account.index}, meant for ${role}): ` +
          "its accounts are not Hardhat's defaults; remove the override of networks.hardhat.accounts",
      );
    }
  }
}
