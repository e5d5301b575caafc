/**
 * Helpers of the PositionManager behaviour tests (settlement, PnL, margin, funding, withdrawals, gas): price walks
 * within the oracle's push clamp, signed orders in one call, balances and the vault's settlement deltas, and the
 * ledger-wide sums the invariants talk about (open interest, Σ openNotional, the clearing account).
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionReceipt, ContractTransactionResponse, Signer } from "ethers";
import type { SignedOrder } from "../../../keepers/sdk/batch";
import type { Order } from "../../../keepers/sdk/orders";
import type { KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, EVENT_PRICE, SENATE22_R, WAD, order, signed } from "./helpers";

/** A signer with its address at hand (HardhatEthersSigner or a connected ethers Wallet). */
export type Account = Signer & { address: string };

/** Largest push move of BTC-USD: 2% of the last price (relative, deploy/params.ts btcUsd()). */
const BTC_PUSH_FRACTION_WAD = WAD / 50n;
/** Largest push move of SENATE22-R: 0.05 absolute (deploy/params.ts eventMarket()). */
const EVENT_PUSH_STEP_WAD = WAD / 20n;

/** Signs an order of `account` (by `signer`, the account's key by default) with the helpers' defaults. */
export async function place(
  f: KeelFixture,
  account: Account,
  side: "buy" | "sell",
  overrides: Partial<Order> = {},
  signer: Signer = account,
): Promise<SignedOrder> {
  return signed(f, signer, order(account, side, overrides));
}

/** The largest move one push may make from `lastWad` in `marketId`. */
function maxStep(marketId: number, lastWad: bigint): bigint {
  return marketId === SENATE22_R ? EVENT_PUSH_STEP_WAD : (lastWad * BTC_PUSH_FRACTION_WAD) / WAD;
}

function stepToward(marketId: number, from: bigint, to: bigint): bigint {
  const step = maxStep(marketId, from);
  if (to > from) return to - from > step ? from + step : to;
  return from - to > step ? from - step : to;
}

/**
 * Walks marks (and indexes, equal to the marks unless given) of both markets to the targets in pushes no larger than
 * the oracle's clamp; markets without a target are re-pushed unchanged (or at the default prices of helpers.ts if never
 * pushed), so every price is fresh afterwards.
 */
export async function walkPrices(
  f: KeelFixture,
  marks: Record<number, bigint>,
  indexes: Record<number, bigint> = {},
): Promise<void> {
  const ids = [BTC_USD, SENATE22_R];
  const mark: Record<number, bigint> = {};
  const index: Record<number, bigint> = {};
  for (const id of ids) {
    const s = await f.oracle.snapshot(id);
    // A market never priced has no clamp yet: its first push may be anywhere (the default price unless a target).
    const first = id === BTC_USD ? BTC_PRICE : EVENT_PRICE;
    mark[id] = s.timestamp === 0n ? (marks[id] ?? first) : s.markWad;
    index[id] = s.timestamp === 0n ? (indexes[id] ?? marks[id] ?? first) : s.indexWad;
  }
  for (;;) {
    for (const id of ids) {
      const markTarget = marks[id] ?? mark[id];
      const indexTarget = indexes[id] ?? marks[id] ?? index[id];
      mark[id] = stepToward(id, mark[id], markTarget);
      index[id] = stepToward(id, index[id], indexTarget);
    }
    const ts = BigInt(await time.latest()) + 1n;
    await time.setNextBlockTimestamp(ts);
    await f.oracle.pushPrices(
      ids,
      ids.map((id) => index[id]),
      ids.map((id) => mark[id]),
      ts,
    );
    const done = ids.every(
      (id) => mark[id] === (marks[id] ?? mark[id]) && index[id] === (indexes[id] ?? marks[id] ?? index[id]),
    );
    if (done) return;
  }
}

/** Re-pushes the current prices of both markets so that they are fresh. */
export async function refreshPrices(f: KeelFixture): Promise<void> {
  await walkPrices(f, {});
}

/** The vault balance (USD wad) of an address. */
export async function balanceOf(f: KeelFixture, who: { address: string } | string): Promise<bigint> {
  return f.vault.balanceWad(typeof who === "string" ? who : who.address);
}

/** The PositionManager's own vault account: the clearing account of realized PnL and funding. */
export async function clearingBalance(f: KeelFixture): Promise<bigint> {
  return f.vault.balanceWad(await f.pm.getAddress());
}

/** The receipt of a sent transaction (throws if it is missing). */
export async function receiptOf(tx: ContractTransactionResponse): Promise<ContractTransactionReceipt> {
  const r = await tx.wait();
  if (!r) throw new Error("no receipt");
  return r;
}

/** The accounts and deltas of the one `BalancesSettled` event of a settlement receipt, as a map address → delta. */
export function settledDeltas(f: KeelFixture, receipt: ContractTransactionReceipt): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let seen = 0;
  for (const log of receipt.logs) {
    let parsed;
    try {
      parsed = f.vault.interface.parseLog(log);
    } catch {
      continue;
    }
    if (!parsed || parsed.name !== "BalancesSettled") continue;
    seen++;
    const accounts = parsed.args.accounts as string[];
    const deltas = parsed.args.deltasWad as bigint[];
    accounts.forEach((a, i) => out.set(a, (out.get(a) ?? 0n) + deltas[i]));
  }
  expect(seen, "one BalancesSettled per batch").to.equal(1);
  return out;
}

/** Σ of the `BalancesSettled` deltas of a receipt (must be 0: settlement is zero-sum). */
export function sumDeltas(deltas: Map<string, bigint>): bigint {
  let s = 0n;
  for (const d of deltas.values()) s += d;
  return s;
}

/** Σ positive sizes and Σ openNotional over `accounts` in `marketId`, and Σ sizes. */
export async function ledgerSums(
  f: KeelFixture,
  accounts: { address: string }[],
  marketId: number = BTC_USD,
): Promise<{ longWad: bigint; netSizeWad: bigint; openNotionalWad: bigint }> {
  let longWad = 0n;
  let netSizeWad = 0n;
  let openNotionalWad = 0n;
  for (const a of accounts) {
    const p = await f.pm.position(a.address, marketId);
    if (p.sizeWad > 0n) longWad += p.sizeWad;
    netSizeWad += p.sizeWad;
    openNotionalWad += p.openNotionalWad;
  }
  return { longWad, netSizeWad, openNotionalWad };
}

/** Sets a market's fees (MARKET_ADMIN_ROLE is the deployer's on local networks). */
export async function setFees(
  f: KeelFixture,
  marketId: number,
  makerFeeWad: bigint,
  takerFeeWad: bigint,
  insuranceShareWad: bigint,
): Promise<void> {
  await f.registry.connect(f.deployer).setFeeParams(marketId, { makerFeeWad, takerFeeWad, insuranceShareWad });
}

/** The first full hour at least 10 s after the latest block (room for a price push or two before it). */
export async function nextHour(): Promise<number> {
  const now = await time.latest();
  return (Math.floor((now + 10) / 3600) + 1) * 3600;
}
