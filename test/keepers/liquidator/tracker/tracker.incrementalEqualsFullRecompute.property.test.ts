/**
 * Property: after any sequence of indexer events — mark pushes (including a market's first), funding, open-interest
 * and maintenance-tier changes, account balance, withdrawal and position changes, new accounts — every entry of the
 * incrementally updated HealthTracker equals a from-scratch `accountHealth` of the indexer's state (with the chain's
 * flags and the margin ratio), accounts holding an unpriced market have no entry, and `candidates()` equals the
 * liquidatable set of a full recompute, sorted deepest first. Checked after every event.
 */
import { expect } from "chai";
import fc from "fast-check";
import {
  MarkUnavailableError,
  accountHealth,
  isBelowBackstopThreshold,
  isLiquidatable,
  type AccountHealth,
} from "../../../../keepers/indexer/health";
import type { IndexedPosition } from "../../../../keepers/indexer/state";
import { DEFAULT_AT_RISK_RATIO_WAD, HealthTracker, type HealthEntry } from "../../../../keepers/liquidator/tracker";
import { BTC, ETH, EVENT, IndexerDouble, WAD, addressOf, indexedAccount, position, silentLogger, wad } from "./helpers";

/** Account 1 stands for the insurance fund: excluded. Accounts 1–10 may appear. */
const EXCLUDED = addressOf(1);
const ACCOUNT_IDS = 10;

interface AccountState {
  id: number;
  balanceWad: bigint;
  pendingWithdrawalWad: bigint;
  positions: IndexedPosition[];
}

type Command =
  | { kind: "mark"; marketId: number; markWad: bigint }
  | { kind: "funding"; marketId: number; perUnitWad: bigint }
  | { kind: "openInterest"; marketId: number; openInterestWad: bigint }
  | { kind: "btcMaintenance"; mmfWad: bigint }
  | { kind: "account"; state: AccountState };

const nonZero = (min: number, max: number) => fc.integer({ min, max }).filter((n) => n !== 0);
const funding = fc.integer({ min: -1_000, max: 1_000 }).map((n) => wad(n));

const btcPosition = fc
  .record({ size: nonZero(-200, 200), entry: fc.integer({ min: 55_000, max: 65_000 }), funding })
  .map((p) => position(BTC, (BigInt(p.size) * WAD) / 100n, wad(p.entry), p.funding));
const eventPosition = fc
  .record({ size: nonZero(-5_000, 5_000), entry: fc.integer({ min: 1, max: 999 }), funding })
  .map((p) => position(EVENT, wad(p.size), (BigInt(p.entry) * WAD) / 1000n, p.funding / 1000n));
const ethPosition = fc
  .record({ size: nonZero(-100, 100), entry: fc.integer({ min: 2_500, max: 3_500 }), funding })
  .map((p) => position(ETH, (BigInt(p.size) * WAD) / 10n, wad(p.entry), p.funding / 10n));

const accountState = (id: fc.Arbitrary<number>): fc.Arbitrary<AccountState> =>
  fc.record({
    id,
    balanceWad: fc.integer({ min: -2_000, max: 20_000 }).map((n) => wad(n)),
    pendingWithdrawalWad: fc.constantFrom(0n, wad(500)),
    positions: fc
      .tuple(fc.option(btcPosition), fc.option(eventPosition), fc.option(ethPosition, { freq: 4 }))
      .map((ps) => ps.filter((p): p is IndexedPosition => p !== null)),
  });

const markCommand: fc.Arbitrary<Command> = fc.oneof(
  fc.integer({ min: 50_000, max: 70_000 }).map((n) => ({ kind: "mark" as const, marketId: BTC, markWad: wad(n) })),
  fc
    .integer({ min: 1, max: 999 })
    .map((n) => ({ kind: "mark" as const, marketId: EVENT, markWad: (BigInt(n) * WAD) / 1000n })),
  fc.integer({ min: 2_500, max: 3_500 }).map((n) => ({ kind: "mark" as const, marketId: ETH, markWad: wad(n) })),
);

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: markCommand, weight: 4 },
  fc.record({ kind: fc.constant("funding" as const), marketId: fc.constantFrom(BTC, EVENT, ETH), perUnitWad: funding }),
  fc.record({
    kind: fc.constant("openInterest" as const),
    marketId: fc.constantFrom(BTC, EVENT, ETH),
    openInterestWad: fc.integer({ min: 0, max: 2_000 }).map((n) => wad(n)),
  }),
  fc.record({
    kind: fc.constant("btcMaintenance" as const),
    mmfWad: fc.constantFrom(wad(0.005), wad(0.01), wad(0.02)),
  }),
  {
    arbitrary: accountState(fc.integer({ min: 1, max: ACCOUNT_IDS })).map((state) => ({
      kind: "account" as const,
      state,
    })),
    weight: 4,
  },
);

function toAccount(state: AccountState) {
  return indexedAccount(addressOf(state.id), state.balanceWad, state.positions, state.pendingWithdrawalWad);
}

function apply(indexer: IndexerDouble, c: Command): void {
  switch (c.kind) {
    case "mark":
      return indexer.pushMark(c.marketId, c.markWad);
    case "funding":
      return indexer.applyFunding(c.marketId, c.perUnitWad);
    case "openInterest":
      return indexer.replaceMarket(c.marketId, { openInterestWad: c.openInterestWad });
    case "btcMaintenance": {
      const tiers = indexer.markets.get(BTC)!.tiers.map((t, i) => (i === 0 ? { ...t, mmfWad: c.mmfWad } : t));
      return indexer.replaceMarket(BTC, { tiers });
    }
    case "account":
      return indexer.setAccount(toAccount(c.state));
  }
}

/** Reference margin ratio: floor(equity · 1e18 / MM) by an independent route (floor via the sign of the remainder). */
function referenceRatio(h: AccountHealth): bigint | undefined {
  if (h.maintenanceMarginWad === 0n) return undefined;
  const n = h.equityWad * WAD;
  const q = n / h.maintenanceMarginWad;
  return q * h.maintenanceMarginWad > n ? q - 1n : q;
}

/** Reference order: negative equity by equity, then the rest by margin ratio, ties by lowercase address. */
function referenceSort(entries: HealthEntry[]): string[] {
  const key = (e: HealthEntry): [number, bigint] =>
    e.equityWad < 0n ? [0, e.equityWad] : [1, e.marginRatioWad ?? 1n << 255n];
  return [...entries]
    .sort((a, b) => {
      const [ga, va] = key(a);
      const [gb, vb] = key(b);
      if (ga !== gb) return ga - gb;
      if (va !== vb) return va < vb ? -1 : 1;
      return a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1;
    })
    .map((e) => e.account);
}

const seen = { liquidatable: 0, healthyWithPositions: 0, skipped: 0, bankrupt: 0 };

function expectMatchesFullRecompute(tracker: HealthTracker, indexer: IndexerDouble): void {
  const expected: HealthEntry[] = [];
  let atRisk = 0;
  for (const account of indexer.accounts.values()) {
    let health: AccountHealth;
    try {
      health = accountHealth(account, indexer.markets);
    } catch (error) {
      if (!(error instanceof MarkUnavailableError)) throw error;
      expect(tracker.entry(account.account), `${account.account} holds an unpriced market`).to.equal(undefined);
      seen.skipped++;
      continue;
    }
    const entry: HealthEntry = {
      account: account.account,
      ...health,
      liquidatable: isLiquidatable(health),
      belowBackstopThreshold: isBelowBackstopThreshold(health),
      marginRatioWad: referenceRatio(health),
      hasPositions: account.positions.size > 0,
    };
    expect(tracker.entry(account.account), account.account).to.deep.equal(entry);
    if (!entry.hasPositions || account.account === EXCLUDED) continue;
    if (entry.liquidatable) expected.push(entry);
    else seen.healthyWithPositions++;
    if (entry.equityWad < 0n) seen.bankrupt++;
    if (entry.liquidatable || entry.marginRatioWad! < DEFAULT_AT_RISK_RATIO_WAD) atRisk++;
  }
  seen.liquidatable += expected.length;
  const order = referenceSort(expected);
  expect(
    tracker.candidates().map((e) => e.account),
    "candidates",
  ).to.deep.equal(order);
  expect(
    tracker.bankrupt().map((e) => e.account),
    "bankrupt",
  ).to.deep.equal(order.filter((a) => tracker.entry(a)!.equityWad < 0n));
  expect(tracker.stats(), "stats").to.deep.include({ liquidatable: expected.length, atRisk });
  const full = new HealthTracker({ indexer, exclude: [EXCLUDED], logger: silentLogger() });
  full.recomputeAll();
  expect(full.candidates(), "a full recompute").to.deep.equal(tracker.candidates());
}

/** A crash: BTC −15%, the event market to 0.9, ETH priced for the first time, then a rally. */
const CRASH: [AccountState[], Command[]] = [
  [
    { id: 1, balanceWad: wad(100), pendingWithdrawalWad: 0n, positions: [position(BTC, wad(1), wad(60_000))] },
    { id: 2, balanceWad: wad(2_000), pendingWithdrawalWad: 0n, positions: [position(BTC, wad(0.5), wad(60_000))] },
    {
      id: 3,
      balanceWad: wad(1_000),
      pendingWithdrawalWad: wad(500),
      positions: [position(EVENT, wad(-2_000), wad(0.4)), position(ETH, wad(1), wad(3_000))],
    },
    { id: 4, balanceWad: wad(20_000), pendingWithdrawalWad: 0n, positions: [position(BTC, wad(-1), wad(60_000))] },
  ],
  [
    { kind: "mark", marketId: BTC, markWad: wad(57_000) },
    { kind: "mark", marketId: BTC, markWad: wad(51_000) },
    { kind: "mark", marketId: EVENT, markWad: wad(0.9) },
    { kind: "mark", marketId: ETH, markWad: wad(2_900) },
    { kind: "funding", marketId: BTC, perUnitWad: wad(-300) },
    { kind: "openInterest", marketId: BTC, openInterestWad: wad(1_500) },
    { kind: "mark", marketId: BTC, markWad: wad(66_000) },
  ],
];

describe("HealthTracker: incremental updates equal a full recompute", function () {
  after(function () {
    // The runs must have met every case the property is about, or it proved little.
    expect(seen.liquidatable, "liquidatable accounts seen").to.be.greaterThan(0);
    expect(seen.healthyWithPositions, "healthy accounts with positions seen").to.be.greaterThan(0);
    expect(seen.skipped, "accounts skipped for a missing mark seen").to.be.greaterThan(0);
    expect(seen.bankrupt, "bankrupt accounts seen").to.be.greaterThan(0);
  });

  it("holds after every event of random sequences", function () {
    fc.assert(
      fc.property(
        fc.uniqueArray(accountState(fc.integer({ min: 1, max: ACCOUNT_IDS })), {
          minLength: 2,
          maxLength: 6,
          selector: (s) => s.id,
        }),
        fc.array(command, { maxLength: 30 }),
        (initial, commands) => {
          const indexer = new IndexerDouble(undefined, initial.map(toAccount));
          const tracker = new HealthTracker({ indexer, exclude: [EXCLUDED], logger: silentLogger() });
          tracker.start();
          expectMatchesFullRecompute(tracker, indexer);
          for (const c of commands) {
            apply(indexer, c);
            expectMatchesFullRecompute(tracker, indexer);
          }
        },
      ),
      { numRuns: 150, examples: [CRASH] },
    );
  });
});
