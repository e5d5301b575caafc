/**
 * Attacks on settlement and on roles, sent as static calls (they must revert, so they leave no state and take no
 * nonce from the keeper): each variant must revert with a declared error from its expected set (§13.5, 7, 16, 19).
 */
import { BatchBuilder } from "../../../../keepers/sdk/batch";
import { OrderFlag } from "../../../../keepers/sdk/orders";
import type { Action } from "../actions";
import { factsOf, markOf, onTick, pushPrices, tradingMarkets } from "../market";
import { signTracked, signerFor } from "../orders";
import { attempt } from "../revert";
import { require13 } from "../violation";
import type { TrackedOrder, World } from "../world";
import { note, type StepContext } from "./context";

type Of<K extends Action["kind"]> = Extract<Action, { kind: K }>;

/** Errors that may legitimately come first whatever the attack (the attack is still refused). */
const ALWAYS = ["OracleStale", "OrderMarketNotTrading", "BatchMarginInsufficient", "FillIncreasesPosition"];

interface AttackPlan {
  name: string;
  expected: string[];
  fills: { maker: TrackedOrder; taker: TrackedOrder; sizeWad: bigint; priceWad: bigint }[];
  batchIdOffset?: bigint;
}

/** A fresh valid pair between two traders at the mark in a trading market (the base every attack bends). */
async function basePair(world: World, marketId: number, pick: number) {
  const facts = await factsOf(world, marketId);
  const mark = onTick(facts, await markOf(world, marketId));
  const [m, t] = [world.traders[pick % 4], world.traders[(pick + 1) % 4]];
  const sizeWad = facts.lotWad * 10n;
  const maker = await signTracked(world, m.address, m, { marketId, side: "sell", sizeWad, priceWad: mark });
  return { facts, mark, m, t, sizeWad, maker };
}

async function plan(world: World, variant: number, pick: number, marketId: number): Promise<AttackPlan | undefined> {
  const { facts, mark, t, sizeWad, maker } = await basePair(world, marketId, pick);
  const taker = (price = mark, flags = 0, size = sizeWad) =>
    signTracked(world, t.address, t, { marketId, side: "buy", sizeWad: size, priceWad: price, flags });
  switch (variant) {
    case 0: {
      // Replay: a fill of an order that is already full (or dead).
      const settled = world.journal.fills({ status: "settled" });
      if (settled.length === 0) return undefined;
      const f = settled[pick % settled.length];
      const mk = world.model.orders.get(f.makerHash)!;
      const tk = world.model.orders.get(f.takerHash)!;
      const left = mk.signed.order.size - (world.model.filledWad.get(f.makerHash) ?? 0n);
      return {
        name: "replay a settled fill beyond what is left",
        expected: [
          "FillExceedsOrder",
          "OrderDead",
          "OrderBelowNonceFloor",
          "FillPriceOutsideBand",
          "FillRoleNotAllowed",
        ],
        fills: [{ maker: mk, taker: tk, sizeWad: left + f.sizeWad, priceWad: f.priceWad }],
      };
    }
    case 1:
      return {
        name: "overfill (size + 1 lot)",
        expected: ["FillExceedsOrder"],
        fills: [
          {
            maker,
            taker: await taker(mark, 0, sizeWad + facts.lotWad),
            sizeWad: sizeWad + facts.lotWad,
            priceWad: mark,
          },
        ],
      };
    case 2:
      return {
        name: "fill beyond the taker's limit",
        expected: ["FillPriceBeyondLimit"],
        fills: [{ maker, taker: await taker(mark - facts.tickWad), sizeWad, priceWad: mark }],
      };
    case 3: {
      const far = onTick(
        facts,
        facts.kind === 1 ? mark + facts.bandWad * 2n : mark + (mark * facts.bandWad * 2n) / 10n ** 18n,
      );
      const account = maker.signed.order.account;
      const farMaker = await signTracked(world, account, signerFor(world, account), {
        marketId,
        side: "sell",
        sizeWad,
        priceWad: far,
      });
      return {
        name: "fill outside the band around the mark",
        expected: ["FillPriceOutsideBand", "FillPriceInvalid"],
        fills: [{ maker: farMaker, taker: await taker(far), sizeWad, priceWad: far }],
      };
    }
    case 4:
      return {
        name: "post-only order as the taker",
        expected: ["FillRoleNotAllowed"],
        fills: [{ maker, taker: await taker(mark, OrderFlag.PostOnly), sizeWad, priceWad: mark }],
      };
    case 5:
    case 6: {
      // Signed under another EIP-712 domain (chain id, or verifying contract): never verifies.
      const wrong =
        variant === 5
          ? { ...world.domain, chainId: world.domain.chainId + 1n }
          : { ...world.domain, verifyingContract: world.f.vault.target as string };
      const forged = await signTracked(world, t.address, t, { marketId, side: "buy", sizeWad, priceWad: mark }, wrong);
      return {
        name: variant === 5 ? "signature for another chain id" : "signature for another contract",
        expected: ["OrderInvalidSignature"],
        fills: [{ maker, taker: forged, sizeWad, priceWad: mark }],
      };
    }
    case 7: {
      const dead = [...world.model.orders.values()].filter((o) => o.frozenFilledWad !== undefined);
      if (dead.length === 0) return undefined;
      const target = dead[pick % dead.length];
      const o = target.signed.order;
      const buy = (o.flags & OrderFlag.Buy) !== 0;
      const signer = world.traders.find((s) => s.address !== o.account) ?? world.maker;
      const counter = await signTracked(world, signer.address, signer, {
        marketId: o.marketId,
        side: buy ? "sell" : "buy",
        sizeWad: facts.lotWad,
        priceWad: o.price,
      });
      return {
        name: "fill a cancelled or floored order",
        expected: [
          "OrderDead",
          "OrderBelowNonceFloor",
          "FillExceedsOrder",
          "FillPriceOutsideBand",
          "FillSizeInvalid",
          "FillRoleNotAllowed",
        ],
        fills: [{ maker: target, taker: counter, sizeWad: facts.lotWad, priceWad: o.price }],
      };
    }
    case 8:
      return {
        name: "stale batch id",
        expected: ["BatchIdMismatch"],
        fills: [{ maker, taker: await taker(), sizeWad, priceWad: mark }],
        batchIdOffset: -1n,
      };
    default:
      return {
        name: "fill off the lot size",
        expected: ["FillSizeInvalid"],
        fills: [{ maker, taker: await taker(), sizeWad: sizeWad - 1n, priceWad: mark }],
      };
  }
}

/** Sends one attack on `settleBatch` as the matcher (static call) and checks it is refused as expected. */
export async function attack(ctx: StepContext, a: Of<"attack">): Promise<void> {
  const { world } = ctx;
  const markets = await tradingMarkets(world);
  if (markets.length === 0) return note(ctx, "no market trades");
  await pushPrices(world);
  const p = await plan(world, a.variant, a.pick, markets[a.pick % markets.length]);
  if (!p) return note(ctx, `attack ${a.variant}: nothing to replay`);
  const builder = new BatchBuilder((await world.f.pm.nextBatchId()) + (p.batchIdOffset ?? 0n));
  for (const fill of p.fills) builder.addFill(fill.maker.signed, fill.taker.signed, fill.sizeWad, fill.priceWad);
  const { batchId, orders, signatures, fills } = builder.args();
  const r = await attempt(`attack: ${p.name}`, () =>
    world.f.pm.connect(world.matcher).settleBatch.staticCall(batchId, orders, signatures, fills),
  );
  require13(5, !r.ok, () => `attack "${p.name}" would have settled`);
  const expected = [...p.expected, ...ALWAYS];
  require13(
    7,
    !r.ok && expected.includes(r.error),
    () => `attack "${p.name}" reverted ${r.ok ? "-" : r.error}, expected one of ${expected.join(", ")}`,
  );
  note(ctx, `attack "${p.name}" refused: ${r.ok ? "" : r.error}`);
}
