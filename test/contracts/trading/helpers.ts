/**
 * Shared helpers of the PositionManager tests: fresh oracle prices, orders with sane defaults signed through the
 * SDK, and batches sent by the matcher (the deployer holds MATCHER_ROLE on local networks).
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Signer } from "ethers";
import { BTC_USD, SENATE22_R, fund, usdc, wad, type KeelFixture } from "../../fixtures/keel";
import { BatchBuilder, type SignedOrder } from "../../../keepers/sdk/batch";
import { OrderFlag, readOrderDomain, signOrder, type Order, type OrderDomain } from "../../../keepers/sdk/orders";

export { BTC_USD, SENATE22_R, OrderFlag, wad };

/** 1.0 in wad. */
export const WAD = 10n ** 18n;

/**
 * Pushes index and mark prices for markets (`{ [marketId]: markWad }`, index = mark unless given), dated at the
 * latest block time. Moves bigger than the push clamp (2% on BTC-USD) need several calls.
 */
export async function setPrices(
  f: KeelFixture,
  marks: Record<number, bigint>,
  indexes: Record<number, bigint> = {},
): Promise<void> {
  const ids = Object.keys(marks).map(Number);
  const ts = BigInt(await time.latest()) + 1n;
  await time.setNextBlockTimestamp(ts);
  await f.oracle.pushPrices(
    ids,
    ids.map((id) => indexes[id] ?? marks[id]),
    ids.map((id) => marks[id]),
    ts,
  );
}

/** The default prices of the tests: BTC-USD at 60,000 and SENATE22-R at 0.40. */
export const BTC_PRICE = wad("60000");
export const EVENT_PRICE = wad("0.4");

/** Pushes the default prices for both markets. */
export async function defaultPrices(f: KeelFixture): Promise<void> {
  await setPrices(f, { [BTC_USD]: BTC_PRICE, [SENATE22_R]: EVENT_PRICE });
}

let nextNonce = 1n;

/** An order with defaults (BTC-USD, 0.1 BTC at 60,000, no expiry, a fresh nonce); `side` picks the buy flag. */
export function order(account: { address: string }, side: "buy" | "sell", overrides: Partial<Order> = {}): Order {
  const base: Order = {
    account: account.address,
    marketId: BTC_USD,
    flags: side === "buy" ? OrderFlag.Buy : 0,
    nonce: nextNonce++,
    expiry: 0n,
    size: wad("0.1"),
    price: BTC_PRICE,
    triggerPrice: 0n,
  };
  const merged = { ...base, ...overrides };
  if (overrides.flags !== undefined && side === "buy") merged.flags |= OrderFlag.Buy;
  return merged;
}

/** The PositionManager's EIP-712 domain, read from `eip712Domain()`. */
export async function domainOf(f: KeelFixture): Promise<OrderDomain> {
  return readOrderDomain(f.pm);
}

/** Signs `o` with `signer` (the account or its agent). */
export async function signed(f: KeelFixture, signer: Signer, o: Order): Promise<SignedOrder> {
  return { order: o, signature: await signOrder(signer, await domainOf(f), o) };
}

/** One fill of a batch: maker, taker, size and price (wad). */
export interface FillSpec {
  maker: SignedOrder;
  taker: SignedOrder;
  size: bigint;
  price: bigint;
}

/** Builds a batch at `nextBatchId()`. */
export async function buildBatch(f: KeelFixture, fills: FillSpec[]): Promise<BatchBuilder> {
  const builder = new BatchBuilder(await f.pm.nextBatchId());
  for (const fill of fills) builder.addFill(fill.maker, fill.taker, fill.size, fill.price);
  return builder;
}

/** Sends a batch of `fills` from the matcher (not awaited for the receipt, so revert matchers can wrap it). */
export async function settle(f: KeelFixture, fills: FillSpec[]): Promise<ContractTransactionResponse> {
  const { batchId, orders, signatures, fills: encoded } = (await buildBatch(f, fills)).args();
  return f.pm.connect(f.deployer).settleBatch(batchId, orders, signatures, encoded);
}

/** Signs both sides and settles one fill of `size` at `price` between a resting `maker` and a crossing `taker`. */
export async function trade(
  f: KeelFixture,
  maker: Signer & { address: string },
  taker: Signer & { address: string },
  takerSide: "buy" | "sell",
  size: bigint,
  price: bigint,
  marketId: number = BTC_USD,
): Promise<ContractTransactionResponse> {
  const makerSide = takerSide === "buy" ? "sell" : "buy";
  const m = await signed(f, maker, order(maker, makerSide, { size, price, marketId }));
  const t = await signed(f, taker, order(taker, takerSide, { size, price, marketId }));
  return settle(f, [{ maker: m, taker: t, size, price }]);
}

/** Deposits `amountUsdc` (token units) for each signer. */
export async function fundAll(f: KeelFixture, signers: Signer[], amountUsdc: bigint = usdc(100_000)): Promise<void> {
  for (const s of signers) await fund(f, s as never, amountUsdc);
}

/** Fresh random signers with ETH for gas, e.g. for gas benchmarks over distinct accounts. */
export async function freshSigners(f: KeelFixture, n: number): Promise<Signer[]> {
  const out: Signer[] = [];
  for (let i = 0; i < n; i++) {
    const w = ethers.Wallet.createRandom().connect(ethers.provider);
    await f.deployer.sendTransaction({ to: w.address, value: ethers.parseEther("1") });
    out.push(w);
  }
  return out;
}
