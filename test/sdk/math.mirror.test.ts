/**
 * The SDK's bigint mirrors (keepers/sdk/math.ts) against the Solidity they mirror: PositionMath and OrderLib through
 * PositionMathHarness on random states (realistic wad ranges and edge cases, including the values where Solidity
 * panics, whose panic code must match too), and the account-level aggregation against PositionManager's
 * `accountMargin` / `liquidationPrice` views after random trades, funding payments and price moves.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { MarketKind } from "../../keepers/sdk/markets";
import {
  MathPanicError,
  WAD,
  accountMargin,
  adlScore,
  applyFill,
  bankruptcyPrice,
  flagsValid,
  fundingOwed,
  initialMarginFraction,
  liquidationPrice,
  mulWadDown,
  mulWadUp,
  notional,
  requirements,
  tierFor,
  tradingFee,
  triggered,
  unrealizedPnl,
  withinBand,
  type MarginParams,
  type MarginTier,
  type PositionMarginInput,
} from "../../keepers/sdk/math";
import type { PositionMathHarness } from "../../keepers/sdk/typechain";
import { deployKeel, usdc, type KeelFixture } from "../fixtures/keel";
import { BTC_PRICE, BTC_USD, EVENT_PRICE, SENATE22_R, fundAll, setPrices, trade } from "../contracts/trading/helpers";
import { prng } from "../fixtures/prng";

const NUM_RUNS = 250;

const INT256_MIN = -(1n << 255n);
const INT256_MAX = (1n << 255n) - 1n;
const UINT256_MAX = (1n << 256n) - 1n;
const INT128_MIN = -(1n << 127n);
const INT128_MAX = (1n << 127n) - 1n;
const UINT128_MAX = (1n << 128n) - 1n;
const INT96_MIN = -(1n << 95n);
const INT96_MAX = (1n << 95n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/* OUTCOMES: a value, or a revert with a panic code, on both sides */

type Outcome = { ok: true; value: unknown } | { ok: false; panic: number | undefined; message: string };

function mirrorOutcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof MathPanicError) return { ok: false, panic: e.code, message: e.message };
    throw e;
  }
}

async function chainOutcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    const value = await call();
    return { ok: true, value: Array.isArray(value) ? [...value] : value };
  } catch (e) {
    return { ok: false, panic: panicCodeOf(e), message: String(e) };
  }
}

const PANIC_SELECTOR = "0x4e487b71";

/** The code of a `Panic(uint256)` revert, from an ethers-decoded revert or the raw data of Hardhat's error. */
function panicCodeOf(e: unknown): number | undefined {
  const err = e as { revert?: { name: string; args: unknown[] }; data?: unknown; error?: { data?: unknown } };
  if (err.revert?.name === "Panic") return Number(err.revert.args[0]);
  for (const data of [err.data, err.error?.data]) {
    if (typeof data === "string" && data.startsWith(PANIC_SELECTOR) && data.length === 2 + 8 + 64) {
      return Number(BigInt("0x" + data.slice(10)));
    }
  }
  return undefined;
}

/** Counts of agreeing successes and panics of one property (to check both were exercised). */
interface Tally {
  ok: number;
  panics: number;
}

/** Asserts the mirror and the contract agree: equal values, or the same panic. */
function expectSame(mirror: Outcome, chain: Outcome, context: unknown, tally: Tally): void {
  const ctx = JSON.stringify(context, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  if (chain.ok) {
    expect(mirror.ok, `mirror threw (${mirror.ok ? "" : mirror.message}) where the contract returned; ${ctx}`).to.equal(
      true,
    );
    if (mirror.ok) expect(mirror.value, ctx).to.deep.equal(chain.value);
    tally.ok++;
  } else {
    expect(chain.panic, `contract reverted without a panic: ${chain.message}; ${ctx}`).to.not.equal(undefined);
    expect(mirror.ok, `mirror returned where the contract panicked 0x${chain.panic?.toString(16)}; ${ctx}`).to.equal(
      false,
    );
    if (!mirror.ok) expect(mirror.panic, `panic code; ${ctx}`).to.equal(chain.panic);
    tally.panics++;
  }
}

/* ARBITRARIES: realistic wad ranges first, then edges and the full Solidity types */

const pick = <T>(...arbs: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(...arbs.map(([weight, arbitrary]) => ({ weight, arbitrary })));

/** Signed sizes: BTC lots, any wad size up to 1e6 units, dust, full int96 and its bounds. */
const sizeArb = pick<bigint>(
  [4, fc.bigInt(-(10n ** 7n), 10n ** 7n).map((lots) => lots * 10n ** 14n)],
  [3, fc.bigInt(-(10n ** 24n), 10n ** 24n)],
  [1, fc.bigInt(-1000n, 1000n)],
  [1, fc.bigInt(INT96_MIN, INT96_MAX)],
  [1, fc.constantFrom(0n, 1n, -1n, WAD, -WAD, INT96_MIN, INT96_MAX, INT96_MIN + 1n)],
);

/** Prices: BTC ticks in the listed bounds, probabilities, any wad price, full uint128 and edges. */
const priceArb = pick<bigint>(
  [4, fc.bigInt(10_000n, 100_000_000n).map((ticks) => ticks * 10n ** 17n)],
  [2, fc.bigInt(0n, WAD)],
  [2, fc.bigInt(0n, 10n ** 26n)],
  [1, fc.bigInt(0n, UINT128_MAX)],
  [1, fc.constantFrom(0n, 1n, 2n, WAD - 1n, WAD, WAD + 1n, UINT128_MAX)],
);

/** Signed USD amounts (balances, bases, equity): realistic, dust, int128 and edges. */
const usdArb = pick<bigint>(
  [4, fc.bigInt(-(10n ** 27n), 10n ** 27n)],
  [1, fc.bigInt(-1000n, 1000n)],
  [1, fc.bigInt(INT128_MIN, INT128_MAX)],
  [1, fc.constantFrom(0n, 1n, -1n, INT128_MIN, INT128_MAX)],
);

/** Any int256 or uint256, with their bounds, to reach the panics. */
const anyInt256 = pick<bigint>(
  [3, fc.bigInt(INT256_MIN, INT256_MAX)],
  [1, fc.constantFrom(INT256_MIN, INT256_MIN + 1n, INT256_MAX, -1n, 0n, 1n)],
);
const anyUint256 = pick<bigint>(
  [3, fc.bigInt(0n, UINT256_MAX)],
  [1, fc.constantFrom(0n, 1n, 1n << 255n, UINT256_MAX, INT256_MAX)],
);

/** Wad fractions (fees, margin fractions): realistic, tiny, uint64 and edges. */
const fractionArb = pick<bigint>(
  [4, fc.bigInt(0n, WAD / 2n)],
  [1, fc.bigInt(0n, 1000n)],
  [1, fc.bigInt(0n, UINT64_MAX)],
  [1, fc.constantFrom(0n, 1n, WAD - 1n, WAD, WAD + 1n, UINT64_MAX)],
);

/**
 * The delta of a fill against a position of `size`: random, exact close, partial reduce, flip, add, zero (clamped
 * to int256, the harness's type).
 */
const deltaFor = (size: bigint): fc.Arbitrary<bigint> =>
  pick<bigint>(
    [3, sizeArb],
    [2, fc.constant(-size)],
    [2, fc.bigInt(1n, 1000n).map((k) => -(size / k))],
    [2, sizeArb.map((x) => -size - (size >= 0n ? abs(x) + 1n : -(abs(x) + 1n)))],
    [1, sizeArb.map((x) => (size >= 0n ? abs(x) : -abs(x)))],
    [1, fc.constant(0n)],
  ).map(clampInt256);

/** A cost basis for a position of `size` near `price`: consistent with the price, arbitrary, or zero. */
const basisFor = (size: bigint, price: bigint): fc.Arbitrary<bigint> =>
  pick<bigint>(
    [3, fc.bigInt(-(10n ** 20n), 10n ** 20n).map((noise) => clampInt256((size * price) / WAD + noise))],
    [2, usdArb],
    [1, fc.constant(0n)],
  );

const tierArb: fc.Arbitrary<MarginTier> = fc.record({
  maxNotionalWad: pick<bigint>(
    [3, fc.bigInt(0n, 10n ** 27n)],
    [1, fc.constantFrom(0n, 1n, UINT128_MAX)],
    [1, fc.bigInt(0n, UINT128_MAX)],
  ),
  imfWad: fractionArb,
  mmfWad: fractionArb,
});

/** Tiers as listed (sorted by cap, usually with an unbounded last tier), sometimes unsorted or empty. */
const tiersArb: fc.Arbitrary<MarginTier[]> = pick<MarginTier[]>(
  [
    6,
    fc.tuple(fc.array(tierArb, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([tiers, unbounded]) => {
      const sorted = [...tiers].sort((a, b) => (a.maxNotionalWad < b.maxNotionalWad ? -1 : 1));
      if (unbounded) sorted[sorted.length - 1] = { ...sorted[sorted.length - 1], maxNotionalWad: UINT128_MAX };
      return sorted;
    }),
  ],
  [1, fc.array(tierArb, { minLength: 1, maxLength: 4 })],
  [1, fc.constant([])],
);

/** Margin parameters, usually with imfLow ≤ imfHigh as listed, sometimes inverted (a uint64 underflow on chain). */
const marginParamsArb: fc.Arbitrary<MarginParams> = fc
  .record({
    a: fractionArb,
    b: fractionArb,
    inverted: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    oiSaturationWad: pick<bigint>(
      [4, fc.bigInt(1n, 10n ** 25n)],
      [1, fc.constantFrom(0n, 1n, UINT128_MAX)],
      [1, fc.bigInt(0n, UINT128_MAX)],
    ),
    maxOpenInterestWad: fc.bigInt(0n, UINT128_MAX),
  })
  .map(({ a, b, inverted, oiSaturationWad, maxOpenInterestWad }) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    return inverted
      ? { imfLowWad: hi, imfHighWad: lo, oiSaturationWad, maxOpenInterestWad }
      : { imfLowWad: lo, imfHighWad: hi, oiSaturationWad, maxOpenInterestWad };
  });

/** Open interest: realistic, around saturation scale, and full uint256. */
const oiArb = pick<bigint>([4, fc.bigInt(0n, 10n ** 25n)], [1, fc.constantFrom(0n, 1n, UINT128_MAX)], [1, anyUint256]);

const kindArb = fc.constantFrom(MarketKind.Asset, MarketKind.Bounded);

function clampInt256(x: bigint): bigint {
  return x < INT256_MIN ? INT256_MIN : x > INT256_MAX ? INT256_MAX : x;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

const asTierStructs = (tiers: MarginTier[]) =>
  tiers.map((t) => ({ maxNotionalWad: t.maxNotionalWad, imfWad: t.imfWad, mmfWad: t.mmfWad }));

/** Runs an async property and asserts both agreeing outcomes were exercised as expected. */
async function check<T>(
  arb: fc.Arbitrary<T>,
  body: (value: T, tally: Tally) => Promise<void>,
  expectPanics = true,
): Promise<void> {
  const tally: Tally = { ok: 0, panics: 0 };
  await fc.assert(
    fc.asyncProperty(arb, (value) => body(value, tally)),
    { numRuns: NUM_RUNS },
  );
  expect(tally.ok, "most states are valid").to.be.greaterThan(NUM_RUNS / 2);
  if (expectPanics) expect(tally.panics, "some states reach a panic").to.be.greaterThan(0);
}

describe("SDK math mirrors = PositionMath / OrderLib", function () {
  let h: PositionMathHarness;

  before(async function () {
    h = (await (await ethers.getContractFactory("PositionMathHarness")).deploy()) as unknown as PositionMathHarness;
    await h.waitForDeployment();
  });

  describe("rounding primitives", function () {
    it("mulWadUp(a, b) = fundingOwed(a, 0, b) and mulWadUp(−a, b) = fundingOwed(a, b, 0)", async function () {
      const bArb = pick<bigint>([3, priceArb], [1, fc.bigInt(0n, INT256_MAX)]);
      await check(fc.tuple(pick<bigint>([4, sizeArb], [1, anyInt256]), bArb), async ([a, b], tally) => {
        expectSame(
          mirrorOutcome(() => mulWadUp(a, b)),
          await chainOutcome(() => h.fundingOwed(a, 0n, b)),
          { a, b },
          tally,
        );
        if (a !== INT256_MIN) {
          expectSame(
            mirrorOutcome(() => mulWadUp(-a, b)),
            await chainOutcome(() => h.fundingOwed(a, b, 0n)),
            { a: -a, b },
            tally,
          );
        }
      });
    });

    it("mulWadDown(a, b) = unrealizedPnl(a, 0, b)", async function () {
      await check(
        fc.tuple(pick<bigint>([4, sizeArb], [1, anyInt256]), pick<bigint>([4, priceArb], [1, anyUint256])),
        async ([a, b], tally) => {
          expectSame(
            mirrorOutcome(() => mulWadDown(a, b)),
            await chainOutcome(() => h.unrealizedPnl(a, 0n, b)),
            { a, b },
            tally,
          );
        },
      );
    });

    it("rounds toward +∞ / −∞ on exact values, dust and one wei", function () {
      expect(mulWadUp(1n, 1n)).to.equal(1n);
      expect(mulWadDown(1n, 1n)).to.equal(0n);
      expect(mulWadUp(-1n, 1n)).to.equal(0n);
      expect(mulWadDown(-1n, 1n)).to.equal(-1n);
      expect(mulWadUp(-3n * WAD, 2n * WAD)).to.equal(-6n * WAD);
      expect(mulWadDown(-3n * WAD, 2n * WAD)).to.equal(-6n * WAD);
      expect(() => mulWadDown(INT256_MIN, WAD)).to.throw(RangeError, /int256/);
    });
  });

  describe("fills, fees, funding", function () {
    it("applyFill: opens, adds, partial and exact closes, flips", async function () {
      const state = fc
        .tuple(pick<bigint>([6, sizeArb], [1, anyInt256]), pick<bigint>([6, priceArb], [1, anyUint256]))
        .chain(([size, price]) =>
          fc.tuple(
            fc.constant(size),
            pick<bigint>([6, basisFor(size, price)], [1, anyInt256]),
            pick<bigint>([6, deltaFor(size)], [1, anyInt256]),
            fc.constant(price),
          ),
        );
      await check(state, async ([size, basis, delta, price], tally) => {
        const mirror = mirrorOutcome(() => {
          const r = applyFill(size, basis, delta, price);
          return [r.newSizeWad, r.newOpenNotionalWad, r.realizedPnlWad];
        });
        expectSame(
          mirror,
          await chainOutcome(() => h.applyFill(size, basis, delta, price)),
          { size, basis, delta, price },
          tally,
        );
      });
    });

    it("applyFill: a full round trip at one price realizes −(rounding) ≤ 0", function () {
      fc.assert(
        fc.property(
          sizeArb.filter((s) => s !== 0n),
          priceArb,
          (size, price) => {
            const open = applyFill(0n, 0n, size, price);
            const close = applyFill(open.newSizeWad, open.newOpenNotionalWad, -size, price);
            expect(close.newSizeWad).to.equal(0n);
            expect(close.newOpenNotionalWad).to.equal(0n);
            expect(close.realizedPnlWad <= 0n && close.realizedPnlWad >= -2n).to.equal(true);
          },
        ),
        { numRuns: 1000 },
      );
    });

    it("tradingFee: charges rounded up, rebates toward zero", async function () {
      const feeArb = pick<bigint>(
        [4, fc.bigInt(-(10n ** 15n), 10n ** 15n)],
        [1, fc.constantFrom(0n, 1n, -1n, INT64_MIN, INT64_MAX)],
        [1, fc.bigInt(INT64_MIN, INT64_MAX)],
        [1, anyInt256],
      );
      const unsignedSize = pick<bigint>([6, sizeArb.map(abs)], [1, anyUint256]);
      await check(
        fc.tuple(unsignedSize, pick<bigint>([6, priceArb], [1, anyUint256]), feeArb),
        async ([size, price, fee], tally) => {
          expectSame(
            mirrorOutcome(() => tradingFee(size, price, fee)),
            await chainOutcome(() => h.tradingFee(size, price, fee)),
            { size, price, fee },
            tally,
          );
        },
      );
    });

    it("fundingOwed: positive and negative funding, payers round up", async function () {
      const cumulative = pick<bigint>(
        [4, fc.bigInt(-(10n ** 24n), 10n ** 24n)],
        [1, fc.bigInt(-1000n, 1000n)],
        [1, fc.constantFrom(0n, 1n, -1n)],
        [1, anyInt256],
      );
      const state = fc
        .tuple(pick<bigint>([6, sizeArb], [1, anyInt256]), cumulative)
        .chain(([size, last]) =>
          fc.tuple(
            fc.constant(size),
            fc.constant(last),
            pick<bigint>(
              [3, cumulative],
              [1, fc.constant(last)],
              [2, fc.bigInt(-(10n ** 22n), 10n ** 22n).map((d) => clampInt256(last + d))],
            ),
          ),
        );
      await check(state, async ([size, last, now], tally) => {
        expectSame(
          mirrorOutcome(() => fundingOwed(size, last, now)),
          await chainOutcome(() => h.fundingOwed(size, last, now)),
          { size, last, now },
          tally,
        );
      });
    });

    it("unrealizedPnl", async function () {
      await check(
        fc.tuple(pick<bigint>([6, sizeArb], [1, anyInt256]), pick<bigint>([6, usdArb], [1, anyInt256]), priceArb),
        async ([size, basis, mark], tally) => {
          expectSame(
            mirrorOutcome(() => unrealizedPnl(size, basis, mark)),
            await chainOutcome(() => h.unrealizedPnl(size, basis, mark)),
            { size, basis, mark },
            tally,
          );
        },
      );
    });
  });

  describe("margin", function () {
    it("notional(size, mark) = requirements at imf = 100% (one tier, no OI scaling)", async function () {
      const tiers = [{ maxNotionalWad: UINT128_MAX, imfWad: WAD, mmfWad: WAD }];
      const params = { imfLowWad: 0n, imfHighWad: 0n, oiSaturationWad: 0n, maxOpenInterestWad: 0n };
      await check(
        fc.tuple(pick<bigint>([6, sizeArb], [1, anyInt256]), pick<bigint>([6, priceArb], [1, anyUint256])),
        async ([size, mark], tally) => {
          expectSame(
            mirrorOutcome(() => (size === 0n ? [0n, 0n] : [notional(size, mark), notional(size, mark)])),
            await chainOutcome(() => h.requirements(MarketKind.Asset, tiers, params, 0n, size, mark)),
            { size, mark },
            tally,
          );
        },
      );
    });

    it("tierFor picks the tier the contract charges (mmf = (index + 1) · 100%)", async function () {
      const state = fc.tuple(
        fc
          .array(tierArb, { minLength: 1, maxLength: 6 })
          .map((tiers) =>
            tiers
              .sort((a, b) => (a.maxNotionalWad < b.maxNotionalWad ? -1 : 1))
              .map((t, i) => ({ ...t, mmfWad: BigInt(i + 1) * WAD })),
          ),
        sizeArb.filter((s) => s !== 0n),
        priceArb.filter((p) => p !== 0n),
      );
      await check(
        state,
        async ([tiers, size, mark], tally) => {
          const params = { imfLowWad: 0n, imfHighWad: 0n, oiSaturationWad: 0n, maxOpenInterestWad: 0n };
          const n = notional(size, mark);
          const tier = tierFor(tiers, n);
          const [, maintenance] = await h.requirements(MarketKind.Asset, asTierStructs(tiers), params, 0n, size, mark);
          expect(maintenance, "maintenance = notional · (index + 1)").to.equal(n * (tier.mmfWad / WAD));
          tally.ok++;
        },
        false,
      );
      expect(() => tierFor([], 1n))
        .to.throw(MathPanicError, /no margin tiers/)
        .with.property("code", 0x11);
    });

    it("initialMarginFraction: tier floor, OI scaling, saturation", async function () {
      const state = fc
        .tuple(tierArb, marginParamsArb)
        .chain(([tier, params]) =>
          fc.tuple(
            fc.constant(tier),
            fc.constant(params),
            pick<bigint>(
              [3, oiArb],
              [1, fc.constantFrom(params.oiSaturationWad, params.oiSaturationWad + 1n)],
              [1, fc.constant(params.oiSaturationWad > 0n ? params.oiSaturationWad - 1n : 0n)],
            ),
          ),
        );
      await check(state, async ([tier, params, oi], tally) => {
        expectSame(
          mirrorOutcome(() => initialMarginFraction(tier, params, oi)),
          await chainOutcome(() => h.initialMarginFraction(tier, params, oi)),
          { tier, params, oi },
          tally,
        );
      });
    });

    it("requirements: ASSET and BOUNDED, tiers, OI scaling, worst-case caps", async function () {
      const state = fc
        .tuple(kindArb, tiersArb, marginParamsArb, oiArb)
        .chain(([kind, tiers, params, oi]) =>
          fc.tuple(
            fc.constant(kind),
            fc.constant(tiers),
            fc.constant(params),
            fc.constant(oi),
            pick<bigint>([6, sizeArb], [1, anyInt256]),
            kind === MarketKind.Bounded
              ? pick<bigint>([4, fc.bigInt(0n, WAD)], [1, fc.bigInt(WAD, 2n * WAD)], [1, priceArb])
              : pick<bigint>([6, priceArb], [1, anyUint256]),
          ),
        );
      await check(state, async ([kind, tiers, params, oi, size, mark], tally) => {
        const mirror = mirrorOutcome(() => {
          const r = requirements(kind, tiers, params, oi, size, mark);
          return [r.initialWad, r.maintenanceWad];
        });
        expectSame(
          mirror,
          await chainOutcome(() => h.requirements(kind, asTierStructs(tiers), params, oi, size, mark)),
          { kind, tiers, params, oi, size, mark },
          tally,
        );
      });
    });

    it("liquidationPrice: longs and shorts, no qualifying price, degenerate fractions", async function () {
      const state = fc.tuple(
        pick<bigint>([8, sizeArb], [1, anyInt256]),
        pick<bigint>([6, priceArb], [1, anyUint256]),
        pick<bigint>([6, usdArb], [1, anyInt256]),
        pick<bigint>([4, fc.bigInt(0n, 10n ** 26n)], [1, fc.constantFrom(0n, 1n)], [1, anyUint256]),
        pick<bigint>(
          [6, fc.bigInt(0n, WAD / 2n)],
          [1, fc.constantFrom(0n, 1n, WAD - 1n, WAD, WAD + 1n)],
          [1, anyUint256],
        ),
      );
      await check(state, async ([size, mark, equity, other, mmf], tally) => {
        expectSame(
          mirrorOutcome(() => liquidationPrice(size, mark, equity, other, mmf)),
          await chainOutcome(() => h.liquidationPrice(size, mark, equity, other, mmf)),
          { size, mark, equity, other, mmf },
          tally,
        );
      });
    });

    it("withinBand: relative for ASSET, absolute for BOUNDED, on the boundary", async function () {
      const state = fc
        .tuple(kindArb, pick<bigint>([6, priceArb], [1, anyUint256]), pick<bigint>([6, fractionArb], [1, anyUint256]))
        .chain(([kind, mark, dev]) => {
          const delta = kind === MarketKind.Bounded ? dev : (mark * dev) / WAD;
          return fc.tuple(
            fc.constant(kind),
            pick<bigint>(
              [3, priceArb],
              [1, anyUint256],
              [2, fc.constantFrom(mark + delta, mark + delta + 1n, mark - delta, mark - delta - 1n, mark)],
            ).filter((p) => p >= 0n && p <= UINT256_MAX),
            fc.constant(mark),
            fc.constant(dev),
          );
        });
      await check(state, async ([kind, price, mark, dev], tally) => {
        expectSame(
          mirrorOutcome(() => {
            const r = withinBand(kind, price, mark, dev);
            return [r.within, r.maxDeltaWad];
          }),
          await chainOutcome(() => h.withinBand(kind, price, mark, dev)),
          { kind, price, mark, dev },
          tally,
        );
      });
    });
  });

  describe("liquidation waterfall", function () {
    it("bankruptcyPrice: longs above the mark, shorts below (floored at 0), BOUNDED capped at 1", async function () {
      const state = fc.tuple(
        kindArb,
        pick<bigint>([6, sizeArb], [1, fc.constant(0n)]),
        priceArb,
        pick<bigint>([5, usdArb.map(abs)], [1, anyUint256]),
      );
      await check(state, async ([kind, size, mark, deficit], tally) => {
        expectSame(
          mirrorOutcome(() => bankruptcyPrice(kind, size, mark, deficit)),
          await chainOutcome(() => h.bankruptcyPrice(kind, size, mark, deficit)),
          { kind, size, mark, deficit },
          tally,
        );
      });
    });

    it("adlScore: profitable longs and shorts, losing or flat positions, equity ≤ 0", async function () {
      const state = fc.tuple(sizeArb, usdArb, priceArb, usdArb, usdArb);
      await check(
        state,
        async ([size, openNotional, mark, pnl, equity], tally) => {
          expectSame(
            mirrorOutcome(() => adlScore(size, openNotional, mark, pnl, equity)),
            await chainOutcome(() => h.adlScore(size, openNotional, mark, pnl, equity)),
            { size, openNotional, mark, pnl, equity },
            tally,
          );
          // Realistic inputs rarely overflow the score: panics are compared when they occur, not required.
        },
        false,
      );
    });
  });

  describe("orders", function () {
    it("flagsValid for every uint8", async function () {
      const flags = Array.from({ length: 256 }, (_, i) => i);
      const chain = await Promise.all(flags.map((fl) => h.flagsValid(fl)));
      expect(flags.map(flagsValid)).to.deep.equal(chain);
      expect(chain.filter(Boolean).length, "valid combinations").to.equal(64 - 16 - 16 + 4);
    });

    it("triggered: stops and take-profits of both sides, at, above and below the trigger", async function () {
      const state = fc
        .tuple(fc.integer({ min: 0, max: 255 }), priceArb)
        .chain(([flags, trigger]) =>
          fc.tuple(
            fc.constant(flags),
            fc.constant(trigger),
            pick<bigint>([2, priceArb], [2, fc.constantFrom(trigger, trigger + 1n, trigger > 0n ? trigger - 1n : 0n)]),
          ),
        );
      await check(
        state,
        async ([flags, trigger, mark], tally) => {
          expectSame(
            mirrorOutcome(() => triggered(flags, trigger, mark)),
            await chainOutcome(() => h.triggered(flags, trigger, mark)),
            { flags, trigger, mark },
            tally,
          );
        },
        false,
      );
    });
  });
});

/* ACCOUNT MARGIN AGAINST THE POSITION MANAGER */

/** The mirror's inputs read from chain: every open position of `account` with its market's state. */
async function positionsOf(f: KeelFixture, account: string): Promise<PositionMarginInput[]> {
  const out: PositionMarginInput[] = [];
  for (const id of await f.pm.openMarkets(account)) {
    const rp = await f.registry.riskParams(id);
    const [, markWad] = await f.oracle.prices(id);
    const ms = await f.pm.marketState(id);
    const pos = await f.pm.position(account, id);
    const pendingFundingWad = fundingOwed(pos.sizeWad, pos.lastCumulativeFundingWad, ms.cumulativeFundingWad);
    expect(pendingFundingWad, "fundingOwed mirrors position().pendingFundingWad").to.equal(pos.pendingFundingWad);
    out.push({
      kind: Number(rp.kind) as MarketKind,
      tiers: rp.tiers.map((t) => ({ maxNotionalWad: t.maxNotionalWad, imfWad: t.imfWad, mmfWad: t.mmfWad })),
      margin: {
        imfLowWad: rp.margin.imfLowWad,
        imfHighWad: rp.margin.imfHighWad,
        oiSaturationWad: rp.margin.oiSaturationWad,
        maxOpenInterestWad: rp.margin.maxOpenInterestWad,
      },
      openInterestWad: ms.openInterestWad,
      sizeWad: pos.sizeWad,
      openNotionalWad: pos.openNotionalWad,
      markWad,
      pendingFundingWad,
    });
  }
  return out;
}

/** Asserts the SDK's accountMargin and liquidationPrice equal the PositionManager's views for `account`. */
async function expectAccountMirrored(f: KeelFixture, account: string): Promise<number> {
  const positions = await positionsOf(f, account);
  const balance = await f.vault.balanceWad(account);
  const pending = await f.vault.toWad((await f.vault.pendingWithdrawal(account)).amount);
  const mirror = accountMargin(balance, pending, positions);
  const chain = await f.pm.accountMargin(account);
  expect(mirror).to.deep.equal({
    balanceWad: chain.balanceWad,
    pendingWithdrawalWad: chain.pendingWithdrawalWad,
    unrealizedPnlWad: chain.unrealizedPnlWad,
    pendingFundingWad: chain.pendingFundingWad,
    equityWad: chain.equityWad,
    initialMarginWad: chain.initialMarginWad,
    maintenanceMarginWad: chain.maintenanceMarginWad,
  });
  const ids = await f.pm.openMarkets(account);
  for (const [i, p] of positions.entries()) {
    const own = requirements(p.kind, p.tiers, p.margin, p.openInterestWad, p.sizeWad, p.markWad).maintenanceWad;
    const mmf = tierFor(p.tiers, notional(p.sizeWad, p.markWad)).mmfWad;
    const expected = liquidationPrice(
      p.sizeWad,
      p.markWad,
      mirror.equityWad + mirror.pendingWithdrawalWad,
      mirror.maintenanceMarginWad - own,
      mmf,
    );
    expect(expected, `liquidationPrice of market ${ids[i]}`).to.equal(await f.pm.liquidationPrice(account, ids[i]));
  }
  return positions.length;
}

describe("SDK accountMargin = PositionManager.accountMargin", function () {
  it("after random trades in both markets, funding payments, price moves and a withdrawal request", async function () {
    const f = await deployKeel();
    const traders: HardhatEthersSigner[] = [f.alice, f.bob, f.carol];
    await fundAll(f, traders, usdc(1_000_000));
    const rnd = prng(0x6b65656c);
    const between = (lo: bigint, hi: bigint) => lo + BigInt(Math.floor(rnd() * Number(hi - lo + 1n)));
    let btc = BTC_PRICE;
    let event = EVENT_PRICE;
    let positionsSeen = 0;
    let fundingApplied = false;
    for (let step = 0; step < 24; step++) {
      // Price moves within the push clamps (2% BTC, 0.05 absolute for the event), on the tick grid.
      btc = ((btc * between(985n, 1015n)) / 1000n / 10n ** 17n) * 10n ** 17n;
      event = event + between(-30n, 30n) * 10n ** 15n;
      if (event < 10n ** 17n) event = 10n ** 17n;
      if (event > 9n * 10n ** 17n) event = 9n * 10n ** 17n;
      if (step % 6 === 5) {
        await time.increase(3600);
        await setPrices(f, { [BTC_USD]: btc, [SENATE22_R]: event });
        await f.pm.connect(f.deployer).applyFunding(BTC_USD, between(-2000n, 2000n) * 10n ** 17n + between(0n, 999n));
        await f.pm.connect(f.deployer).applyFunding(SENATE22_R, between(-9000n, 9000n) * 10n ** 12n + between(0n, 99n));
        fundingApplied = true;
      }
      await setPrices(f, { [BTC_USD]: btc, [SENATE22_R]: event });

      const makerIdx = Math.floor(rnd() * 3);
      const taker = traders[(makerIdx + 1 + Math.floor(rnd() * 2)) % 3];
      const maker = traders[makerIdx];
      const side = rnd() < 0.5 ? "buy" : "sell";
      if (rnd() < 0.6) {
        const size = between(1n, 30_000n) * 10n ** 14n; // up to 3 BTC in 0.0001 lots
        const price = ((btc * between(970n, 1030n)) / 1000n / 10n ** 17n) * 10n ** 17n;
        await trade(f, maker, taker, side, size, price, BTC_USD);
      } else {
        const size = between(1n, 2_000_000n) * 10n ** 16n; // up to 20,000 units in 0.01 lots
        const price = event + between(-50n, 50n) * 10n ** 15n;
        await trade(f, maker, taker, side, size, price, SENATE22_R);
      }
      if (step === 10) await f.vault.connect(f.carol).requestWithdrawal(usdc(1234.5678));

      for (const t of traders) positionsSeen += await expectAccountMirrored(f, t.address);
    }
    expect(fundingApplied).to.equal(true);
    expect(positionsSeen, "positions compared").to.be.greaterThan(50);
    expect((await f.vault.pendingWithdrawal(f.carol.address)).amount).to.equal(usdc(1234.5678));
  });
});
