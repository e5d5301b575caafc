/**
 * Helpers of the PositionManager revert-path tests: hand-built `settleBatch` calls (no deduplication, any batch id,
 * any signature list), a snapshot of everything a batch could move (positions, vault balances, open interest, the
 * batch id) to prove that a refused order never filled, a Draft market, and the standard funded setup.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { HyperCoreMode, MarketKind, MarketStatus, btcUsd } from "../../../deploy/params";
import type { SignedOrder } from "../../../keepers/sdk/batch";
import type { Fill, Order } from "../../../keepers/sdk/orders";
import { BTC_USD, SENATE22_R, usdc, type KeelFixture } from "../../fixtures/keel";
import { defaultPrices, fundAll } from "./helpers";

export { MarketKind, MarketStatus };

/** One fill naming its orders by index, as `settleBatch` takes it. */
export function fill(makerIndex: number, takerIndex: number, sizeWad: bigint, priceWad: bigint): Fill {
  return { makerIndex, takerIndex, sizeWad, priceWad };
}

/** Options of {@link settleRaw}. */
export interface RawBatchOptions {
  /** Defaults to `nextBatchId()`. */
  batchId?: bigint;
  /** Defaults to the orders' own signatures. */
  signatures?: string[];
}

/**
 * Sends `settleBatch` from the matcher with the orders exactly as given (the SDK builder would deduplicate them) and
 * hand-built fills. Not awaited for the receipt, so revert matchers can wrap it.
 */
export async function settleRaw(
  f: KeelFixture,
  orders: SignedOrder[],
  fills: Fill[],
  options: RawBatchOptions = {},
): Promise<ContractTransactionResponse> {
  const batchId = options.batchId ?? (await f.pm.nextBatchId());
  const signatures = options.signatures ?? orders.map((o) => o.signature);
  return f.pm.connect(f.deployer).settleBatch(
    batchId,
    orders.map((o) => o.order),
    signatures,
    fills,
  );
}

/** The EIP-712 digest of `o` as the contract computes it: the `orderHash` its errors and events carry. */
export async function hashOf(f: KeelFixture, o: Order): Promise<string> {
  return f.pm.orderDigest(o);
}

/** Deposits 100,000 USDC for alice, bob and carol and pushes the default prices (BTC 60,000, SENATE22-R 0.40). */
export async function fundedWithPrices(f: KeelFixture): Promise<void> {
  await fundAll(f, [f.alice, f.bob, f.carol], usdc(100_000));
  await defaultPrices(f);
}

/** Everything a batch can move, as plain values. */
export interface LedgerSnapshot {
  nextBatchId: bigint;
  positions: Record<string, [bigint, bigint]>;
  balances: Record<string, bigint>;
  openInterest: Record<number, bigint>;
}

/**
 * Positions (size, open notional) of `accounts` in `markets`, vault balances of the accounts and of the protocol
 * accounts (fee recipient, insurance fund, the PositionManager's clearing account), open interest and the next
 * batch id.
 */
export async function ledgerSnapshot(
  f: KeelFixture,
  accounts: { address: string }[],
  markets: number[] = [BTC_USD, SENATE22_R],
): Promise<LedgerSnapshot> {
  const snap: LedgerSnapshot = { nextBatchId: await f.pm.nextBatchId(), positions: {}, balances: {}, openInterest: {} };
  const holders = [
    ...accounts.map((a) => a.address),
    await f.pm.feeRecipient(),
    await f.pm.insuranceFund(),
    await f.pm.getAddress(),
  ];
  for (const holder of holders) snap.balances[holder] = await f.vault.balanceWad(holder);
  for (const a of accounts) {
    for (const m of markets) {
      const p = await f.pm.position(a.address, m);
      snap.positions[`${a.address}/${m}`] = [p.sizeWad, p.openNotionalWad];
    }
  }
  for (const m of markets) snap.openInterest[m] = (await f.pm.marketState(m)).openInterestWad;
  return snap;
}

/** Asserts that nothing in `before` moved. */
export async function expectLedgerUnchanged(
  f: KeelFixture,
  before: LedgerSnapshot,
  accounts: { address: string }[],
  markets: number[] = [BTC_USD, SENATE22_R],
): Promise<void> {
  expect(await ledgerSnapshot(f, accounts, markets)).to.deep.equal(before);
}

/**
 * Lists a copy of BTC-USD's parameters under `symbol` (left in Draft) and returns its id. BTC-USD and SENATE22-R
 * are ids 1 and 2, so the first market a test lists is id 3.
 */
export async function listDraftMarket(f: KeelFixture, symbol: string): Promise<number> {
  await f.registry.connect(f.deployer).listMarket(symbol, MarketKind.Asset, btcUsd(HyperCoreMode.None));
  const id = Number(await f.registry.marketIdBySymbol(symbol));
  expect(await f.registry.marketStatus(id)).to.equal(MarketStatus.Draft);
  return id;
}

/** Sets the time of the next block to `seconds` after the latest one and returns it. */
export async function nextBlockIn(seconds: number): Promise<bigint> {
  const ts = BigInt(await time.latest()) + BigInt(seconds);
  await time.setNextBlockTimestamp(ts);
  return ts;
}
