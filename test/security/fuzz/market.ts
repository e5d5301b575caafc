/**
 * Markets as the fuzzer drives them: their parameters (read once per sequence), fresh price pushes and price walks
 * within the oracle's push clamp (relative for an asset, absolute for a bounded market), and prices rounded onto the
 * tick.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { MarketKind, MarketStatus } from "../../../keepers/sdk/markets";
import { WAD } from "../../../keepers/sdk/math";
import { MARKETS, type World } from "./world";

/** What the fuzzer needs of a market's parameters (wad unless named otherwise). */
export interface MarketFacts {
  marketId: number;
  kind: MarketKind;
  lotWad: bigint;
  tickWad: bigint;
  minPriceWad: bigint;
  maxPriceWad: bigint;
  /** The fill band around the mark: a fraction of it (asset) or a price distance (bounded). */
  bandWad: bigint;
  /** The largest move of one push: a fraction (asset) or a price distance (bounded). */
  pushStepWad: bigint;
  maxStalenessSec: number;
  fundingIntervalSec: number;
  fundingCapWad: bigint;
}

const factsCache = new WeakMap<World["f"], Map<number, MarketFacts>>();

/** The parameters of every fuzzed market (they never change during a sequence). */
export async function marketFacts(world: World): Promise<Map<number, MarketFacts>> {
  const cached = factsCache.get(world.f);
  if (cached) return cached;
  const out = new Map<number, MarketFacts>();
  for (const marketId of MARKETS) {
    const [info, trading, oracle, funding] = await Promise.all([
      world.f.registry.marketInfo(marketId),
      world.f.registry.tradingParams(marketId),
      world.f.registry.oracleParams(marketId),
      world.f.registry.fundingParams(marketId),
    ]);
    out.set(marketId, {
      marketId,
      kind: Number(info.kind) as MarketKind,
      lotWad: trading.lotSizeWad,
      tickWad: trading.tickSizeWad,
      minPriceWad: trading.minPriceWad,
      maxPriceWad: trading.maxPriceWad,
      bandWad: trading.maxFillDeviationWad,
      pushStepWad: oracle.maxPushDeviationWad,
      maxStalenessSec: Number(oracle.maxStalenessSec),
      fundingIntervalSec: Number(funding.fundingIntervalSec),
      fundingCapWad: funding.fundingCapWad,
    });
  }
  factsCache.set(world.f, out);
  return out;
}

/** The facts of one market. */
export async function factsOf(world: World, marketId: number): Promise<MarketFacts> {
  return (await marketFacts(world)).get(marketId)!;
}

/** Markets the oracle still prices (Active or Resolving). */
export async function pricedMarkets(world: World): Promise<number[]> {
  const out: number[] = [];
  for (const marketId of MARKETS) {
    const status = Number(await world.f.registry.marketStatus(marketId));
    if (status === MarketStatus.Active || status === MarketStatus.Resolving) out.push(marketId);
  }
  return out;
}

/** Markets open to trading (Active). */
export async function tradingMarkets(world: World): Promise<number[]> {
  const out: number[] = [];
  for (const marketId of MARKETS) {
    if (Number(await world.f.registry.marketStatus(marketId)) === MarketStatus.Active) out.push(marketId);
  }
  return out;
}

/** The largest step one push may take from `fromWad`, a hair inside the clamp. */
function maxStep(facts: MarketFacts, fromWad: bigint): bigint {
  const step = facts.kind === MarketKind.Bounded ? facts.pushStepWad : (fromWad * facts.pushStepWad) / WAD;
  return (step * 99n) / 100n;
}

/** `priceWad` rounded down onto the tick and kept within the market's price bounds. */
export function onTick(facts: MarketFacts, priceWad: bigint): bigint {
  const ticked = (priceWad / facts.tickWad) * facts.tickWad;
  if (ticked < facts.minPriceWad) return facts.minPriceWad;
  if (ticked > facts.maxPriceWad) return (facts.maxPriceWad / facts.tickWad) * facts.tickWad;
  return ticked;
}

/**
 * Walks the marks of the priced markets to `targets` (mark = index) in pushes within the clamp, one block each, dated
 * at the block; a market without a target is re-pushed unchanged. Every priced market is fresh afterwards.
 * @returns the number of pushes.
 */
export async function pushPrices(world: World, targets: ReadonlyMap<number, bigint> = new Map()): Promise<number> {
  const priced = await pricedMarkets(world);
  if (priced.length === 0) return 0;
  const facts = await marketFacts(world);
  const marks = new Map<number, bigint>();
  for (const id of priced) marks.set(id, (await world.f.oracle.snapshot(id)).markWad);
  for (let pushes = 1; ; pushes++) {
    for (const id of priced) {
      const from = marks.get(id)!;
      const target = targets.get(id) ?? from;
      const step = maxStep(facts.get(id)!, from);
      marks.set(
        id,
        target > from ? (target - from > step ? from + step : target) : from - target > step ? from - step : target,
      );
    }
    const ts = (await time.latest()) + 1;
    await time.setNextBlockTimestamp(ts);
    const prices = priced.map((id) => marks.get(id)!);
    await (await world.f.oracle.connect(world.f.deployer).pushPrices(priced, prices, prices, ts)).wait();
    if (priced.every((id) => marks.get(id) === (targets.get(id) ?? marks.get(id)))) return pushes;
  }
}

/** The current mark of a market (wad; whatever its freshness). */
export async function markOf(world: World, marketId: number): Promise<bigint> {
  return (await world.f.oracle.snapshot(marketId)).markWad;
}
