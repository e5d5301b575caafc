/**
 * One consistent reading of the chain for the demo's invariant checks: every account the vault or the
 * PositionManager ever named (plus the ones the caller lists), each account's balance, pending withdrawal, positions
 * and unpaid settlement claims, every market, the vault's aggregates and token holdings, and the PositionManager
 * events the checks replay — all at one block, so that every figure describes the same state.
 *
 * Units: money and sizes are wad bigints (1e18 = 1 USD or 1 unit of base).
 */
import { getAddress, type Interface, type LogDescription, type Provider } from "ethers";
import type { KeelContracts } from "../../core/deployment";
import { getLogsChunked } from "../../core/logs";
import { readMarket, type IndexedMarket } from "../../indexer/state";
import { MarketStatus } from "../../sdk/markets";

/** Thrown when the chain cannot be read as the checks need it (no provider behind the contracts). */
export class InvariantInputError extends Error {
  override readonly name = "InvariantInputError";
}

/** One position as stored, with the funding it owes now (> 0 pays), all wad. */
export interface PositionReading {
  sizeWad: bigint;
  openNotionalWad: bigint;
  pendingFundingWad: bigint;
}

/** One account at the snapshot block. */
export interface AccountReading {
  /** Checksummed address. */
  account: string;
  /** Credited vault balance (USD wad; negative is debt). */
  balanceWad: bigint;
  /** Pending withdrawal (USD wad). */
  pendingWithdrawalWad: bigint;
  /** The account's position in every listed market, by market id (size 0 when flat). */
  positions: Map<number, PositionReading>;
  /** Unpaid settlement claims (before any haircut), by market id, for markets Resolved or Settled. */
  claims: Map<number, bigint>;
}

/** A market's resolution state (IMarketResolution.ResolutionView), for markets Resolved or Settled. */
export interface ResolutionReading {
  finalPriceWad: bigint;
  totalClaimsWad: bigint;
  uncollectedWad: bigint;
  haircutWad: bigint;
  settled: boolean;
}

/** The vault's own accounting and what it holds (USD wad). */
export interface VaultReading {
  /** `token.balanceOf(vault)` scaled to wad (exact). */
  heldWad: bigint;
  /** The vault's `surplusWad()`: held − (credit − debt + pending). */
  surplusWad: bigint;
  totalCreditWad: bigint;
  totalDebtWad: bigint;
  totalPendingWad: bigint;
  /** One token unit in wad (1e12 for USDC): the smallest amount anyone can withdraw. */
  tokenUnitWad: bigint;
}

/** A parsed PositionManager event with the block it was emitted in. */
export interface ChainEvent {
  name: string;
  args: LogDescription["args"];
  blockNumber: number;
}

/** Everything the invariant checks read, at {@link ChainSnapshot.blockNumber}. */
export interface ChainSnapshot {
  blockNumber: number;
  /** Every listed market, by id. */
  markets: Map<number, IndexedMarket>;
  /** Resolution state of markets Resolved or Settled, by id. */
  resolutions: Map<number, ResolutionReading>;
  /** Every known account, by checksummed address. */
  accounts: Map<string, AccountReading>;
  vault: VaultReading;
  /** The PositionManager's own vault account: the counterparty of realized PnL, funding and settlement. */
  clearingAccount: string;
  insuranceFund: string;
  feeRecipient: string;
  /** PositionManager events since `fromBlock`, in chain order. */
  events: ChainEvent[];
}

/** Accounts read at once (keeps a remote node from being flooded; in-process chains do not mind). */
const READ_CONCURRENCY = 16;

/** The provider behind the contracts (a provider runner, or a signer's provider). */
export function providerOf(contracts: KeelContracts): Provider {
  const provider = contracts.positionManager.runner?.provider;
  if (!provider) {
    throw new InvariantInputError(
      "the Keel contracts are not connected to a provider: connect them with connectKeel(addresses, provider or signer)",
    );
  }
  return provider;
}

/**
 * Reads the chain at its latest block: the vault's and the PositionManager's events from `fromBlock` (in chunks of at
 * most 50 blocks) name the accounts, joined with `extraAccounts`, the clearing account, the insurance fund and the fee
 * recipient; then every account, market and aggregate is read at that same block.
 *
 * @throws InvariantInputError when the contracts have no provider; RPC errors as the provider raises them.
 */
export async function readChainSnapshot(
  contracts: KeelContracts,
  extraAccounts: readonly string[],
  fromBlock: number,
): Promise<ChainSnapshot> {
  const provider = providerOf(contracts);
  const { positionManager: pm, collateralVault: vault, collateralToken: token } = contracts;
  const blockNumber = await provider.getBlockNumber();
  const at = { blockTag: blockNumber };
  const [pmAddress, vaultAddress, insuranceFund, feeRecipient] = await Promise.all([
    pm.getAddress(),
    vault.getAddress(),
    pm.insuranceFund(at),
    pm.feeRecipient(at),
  ]);

  const { events, named } = await readEvents(provider, contracts, pmAddress, vaultAddress, fromBlock, blockNumber);
  const markets = await readMarkets(contracts, blockNumber);
  const resolutions = await readResolutions(contracts, markets, blockNumber);

  const addresses = new Set<string>([...named, ...extraAccounts.map((a) => getAddress(a))]);
  for (const a of [pmAddress, insuranceFund, feeRecipient]) addresses.add(getAddress(a));
  const accounts = new Map<string, AccountReading>();
  const list = [...addresses];
  for (let i = 0; i < list.length; i += READ_CONCURRENCY) {
    const readings = await Promise.all(
      list.slice(i, i + READ_CONCURRENCY).map((a) => readAccount(contracts, a, markets, blockNumber)),
    );
    for (const r of readings) accounts.set(r.account, r);
  }

  const [heldTokens, surplusWad, totalCreditWad, totalDebtWad, totalPendingWad, tokenUnitWad] = await Promise.all([
    token.balanceOf(vaultAddress, at),
    vault.surplusWad(at),
    vault.totalCreditWad(at),
    vault.totalDebtWad(at),
    vault.totalPendingWad(at),
    vault.toWad(1n, at),
  ]);
  return {
    blockNumber,
    markets,
    resolutions,
    accounts,
    vault: {
      heldWad: await vault.toWad(heldTokens, at),
      surplusWad,
      totalCreditWad,
      totalDebtWad,
      totalPendingWad,
      tokenUnitWad,
    },
    clearingAccount: getAddress(pmAddress),
    insuranceFund: getAddress(insuranceFund),
    feeRecipient: getAddress(feeRecipient),
    events,
  };
}

/** Event arguments that name an account whose vault balance or position the event changed. */
const ACCOUNT_ARGS: Record<string, readonly string[]> = {
  Deposited: ["account"],
  WithdrawalRequested: ["account"],
  BalancesSettled: ["accounts"],
  AutoDeleveraged: ["account", "counterparty"],
  PositionTakenOver: ["account"],
  PositionSettled: ["account"],
  SettlementClaimed: ["account"],
};

/** The PositionManager's events (for the checks) and every account the vault's or the PositionManager's events name. */
async function readEvents(
  provider: Provider,
  contracts: KeelContracts,
  pmAddress: string,
  vaultAddress: string,
  fromBlock: number,
  toBlock: number,
): Promise<{ events: ChainEvent[]; named: Set<string> }> {
  const interfaces = new Map<string, Interface>([
    [getAddress(pmAddress), contracts.positionManager.interface],
    [getAddress(vaultAddress), contracts.collateralVault.interface],
  ]);
  const logs = await getLogsChunked(provider, { address: [pmAddress, vaultAddress] }, fromBlock, toBlock);
  const events: ChainEvent[] = [];
  const named = new Set<string>();
  for (const log of logs) {
    const emitter = getAddress(log.address);
    // Both ABIs declare every event their contract (and the libraries it delegatecalls) emits, so null (a topic
    // neither declares) names nothing the checks read; a declared event that does not decode throws, as it should.
    const parsed = interfaces.get(emitter)?.parseLog({ topics: [...log.topics], data: log.data });
    if (!parsed) continue;
    for (const arg of ACCOUNT_ARGS[parsed.name] ?? []) {
      const value = parsed.args.getValue(arg) as string | string[];
      for (const a of Array.isArray(value) ? value : [value]) named.add(getAddress(a));
    }
    if (emitter === getAddress(pmAddress)) {
      events.push({ name: parsed.name, args: parsed.args, blockNumber: log.blockNumber });
    }
  }
  return { events, named };
}

async function readMarkets(contracts: KeelContracts, blockNumber: number): Promise<Map<number, IndexedMarket>> {
  const { marketRegistry: registry, oracleRegistry: oracle, positionManager: pm } = contracts;
  const count = Number(await registry.marketCount({ blockTag: blockNumber }));
  const markets = new Map<number, IndexedMarket>();
  for (let id = 1; id <= count; id++) markets.set(id, await readMarket(registry, oracle, pm, id, blockNumber));
  return markets;
}

async function readResolutions(
  contracts: KeelContracts,
  markets: Map<number, IndexedMarket>,
  blockNumber: number,
): Promise<Map<number, ResolutionReading>> {
  const out = new Map<number, ResolutionReading>();
  for (const market of markets.values()) {
    if (market.status < MarketStatus.Resolved) continue;
    const r = await contracts.positionManager.resolution(market.marketId, { blockTag: blockNumber });
    out.set(market.marketId, {
      finalPriceWad: r.finalPriceWad,
      totalClaimsWad: r.totalClaimsWad,
      uncollectedWad: r.uncollectedWad,
      haircutWad: r.haircutWad,
      settled: r.settled,
    });
  }
  return out;
}

async function readAccount(
  contracts: KeelContracts,
  account: string,
  markets: Map<number, IndexedMarket>,
  blockNumber: number,
): Promise<AccountReading> {
  const { positionManager: pm, collateralVault: vault } = contracts;
  const at = { blockTag: blockNumber };
  const [balanceWad, pending] = await Promise.all([
    vault.balanceWad(account, at),
    vault.pendingWithdrawal(account, at),
  ]);
  const positions = new Map<number, PositionReading>();
  const claims = new Map<number, bigint>();
  await Promise.all(
    [...markets.values()].map(async (market) => {
      const p = await pm.position(account, market.marketId, at);
      positions.set(market.marketId, {
        sizeWad: p.sizeWad,
        openNotionalWad: p.openNotionalWad,
        pendingFundingWad: p.pendingFundingWad,
      });
      if (market.status >= MarketStatus.Resolved) {
        claims.set(market.marketId, await pm.settlementClaim(account, market.marketId, at));
      }
    }),
  );
  return {
    account,
    balanceWad,
    pendingWithdrawalWad: pending.amount === 0n ? 0n : await vault.toWad(pending.amount, at),
    positions,
    claims,
  };
}
