/**
 * The book-only workload of the matcher suite: a BTC-USD-like market (lot 0.0001, tick 0.1, mark 60,000, band 5%)
 * and a seeded mix of operations by 1,000 accounts — resting limits on their side of the mid (45%), IOC orders that
 * cross up to 100 ticks deep (15%), limits that cross a few ticks and may rest (5%), and cancels of earlier resting
 * orders (35%). Orders carry fake unique hashes and no signature: the engine trusts its intake (signing and
 * verification are not part of this figure).
 */
import { getAddress } from "ethers";
import type { EngineMarket, PlaceableOrder } from "../../keepers/matcher/engine";
import { MarketKind } from "../../keepers/sdk/markets";
import { OrderFlag } from "../../keepers/sdk/orders";
import { SeededRandom } from "./timing";

const WAD = 10n ** 18n;
const LOT_WAD = WAD / 10_000n;
const TICK_WAD = WAD / 10n;
const MID_WAD = 60_000n * WAD;
const ACCOUNTS = 1_000;

/** The market the book benchmark trades (BTC-USD's deploy parameters, mark 60,000). */
export const BENCH_MARKET: EngineMarket = {
  marketId: 1,
  kind: MarketKind.Asset,
  lotSizeWad: LOT_WAD,
  tickSizeWad: TICK_WAD,
  maxFillDeviationWad: WAD / 20n,
  markWad: MID_WAD,
};

/** One engine call of the workload. */
export type BookOperation = { kind: "place"; order: PlaceableOrder } | { kind: "cancel"; hash: string };

/** Resting orders placed before timing starts, then the timed mix. */
export interface BookWorkload {
  prefill: BookOperation[];
  mix: BookOperation[];
}

/** Builds the workload: `prefillCount` resting limits, then `mixCount` operations of the mix (see the module comment). */
export function bookWorkload(prefillCount: number, mixCount: number, seed = 9): BookWorkload {
  const random = new SeededRandom(seed);
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) =>
    getAddress("0x" + (i + 1).toString(16).padStart(40, "a")),
  );
  const restingHashes: string[] = [];
  let counter = 0;
  const place = (buy: boolean, priceWad: bigint, lots: number, extraFlags: number): BookOperation => {
    counter += 1;
    const hash = "0x" + counter.toString(16).padStart(64, "0");
    const order: PlaceableOrder = {
      hash,
      signature: "0x",
      order: {
        account: accounts[random.below(ACCOUNTS)],
        marketId: BENCH_MARKET.marketId,
        flags: (buy ? OrderFlag.Buy : 0) | extraFlags,
        nonce: BigInt(counter),
        expiry: 0n,
        size: BigInt(lots) * LOT_WAD,
        price: priceWad,
        triggerPrice: 0n,
      },
    };
    return { kind: "place", order };
  };
  const resting = (): BookOperation => {
    const buy = random.next() < 0.5;
    const ticks = BigInt(1 + random.below(50));
    const op = place(buy, buy ? MID_WAD - ticks * TICK_WAD : MID_WAD + ticks * TICK_WAD, 1 + random.below(20), 0);
    if (op.kind === "place") restingHashes.push(op.order.hash);
    return op;
  };
  const crossing = (ioc: boolean, depthTicks: number): BookOperation => {
    const buy = random.next() < 0.5;
    const ticks = BigInt(depthTicks);
    const flags = ioc ? OrderFlag.ImmediateOrCancel : 0;
    return place(buy, buy ? MID_WAD + ticks * TICK_WAD : MID_WAD - ticks * TICK_WAD, 1 + random.below(10), flags);
  };
  const cancel = (): BookOperation => {
    if (restingHashes.length === 0) return resting();
    const i = random.below(restingHashes.length);
    const hash = restingHashes[i];
    restingHashes[i] = restingHashes[restingHashes.length - 1];
    restingHashes.pop();
    return { kind: "cancel", hash };
  };
  const prefill = Array.from({ length: prefillCount }, resting);
  const mix = Array.from({ length: mixCount }, (): BookOperation => {
    const roll = random.next();
    if (roll < 0.45) return resting();
    if (roll < 0.6) return crossing(true, 1 + random.below(100));
    if (roll < 0.65) return crossing(false, 1 + random.below(5));
    return cancel();
  });
  return { prefill, mix };
}
