/**
 * Cross-check against the chain: a HealthTracker fed by a real ChainIndexer over the real deployment reports, for every
 * account and at every step, exactly what `PositionManager.canLiquidate(account)` returns at the indexer's block —
 * equity (pending withdrawal included), maintenance margin, `liquidatable` and `belowBackstopThreshold` — while the
 * BTC-USD mark walks down and the event market's walks up in oracle pushes, with funding applied on the way.
 *
 * Traders (all against bob, who holds 100,000 USDC):
 * - alice: 1,000 USDC, long 0.3 BTC at 60,000 — liquidatable at 57,200 (equity 151.9 < MM 171.6, above ⅔ MM), below
 *   the backstop threshold and then bankrupt further down;
 * - carol: 1,500 USDC, long 0.2 BTC, with a 200 USDC withdrawal pending (it still counts for maintenance);
 * - dave: 3,000 USDC, short 0.5 BTC (gains as BTC falls);
 * - erin: 150 USDC, short 2,000 shares of SENATE22-R at 0.40 (liquidatable once the mark is near 0.46).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import pino from "pino";
import { HealthTracker } from "../../../../keepers/liquidator/tracker";
import { BTC_USD, SENATE22_R, deployKeel, fund, usdc, wad, type KeelFixture } from "../../../fixtures/keel";
import { defaultPrices, setPrices, trade } from "../../../contracts/trading/helpers";
import { indexerOf } from "../../indexer/helpers";
import type { ChainIndexer } from "../../../../keepers/indexer/indexer";

/** BTC-USD marks (each push within the 2% clamp) and SENATE22-R marks (within 0.05 absolute), pushed together. */
const BTC_MARKS = ["59400", "58800", "58200", "57800", "57200", "56600", "56000", "55400"].map((m) => wad(m));
const EVENT_MARKS = ["0.41", "0.42", "0.43", "0.44", "0.45", "0.46", "0.47", "0.48"].map((m) => wad(m));

async function openPositions(f: KeelFixture): Promise<void> {
  const [dave, erin] = (await ethers.getSigners()).slice(5, 7);
  await fund(f, f.bob, usdc(100_000));
  await fund(f, f.alice, usdc(1_000));
  await fund(f, f.carol, usdc(1_500));
  await fund(f, dave, usdc(3_000));
  await fund(f, erin, usdc(150));
  await defaultPrices(f);
  await trade(f, f.bob, f.alice, "buy", wad("0.3"), wad("60000"));
  await trade(f, f.bob, f.carol, "buy", wad("0.2"), wad("60000"));
  await trade(f, f.bob, dave, "sell", wad("0.5"), wad("60000"));
  await trade(f, f.bob, erin, "sell", wad("2000"), wad("0.4"), SENATE22_R);
  await f.vault.connect(f.carol).requestWithdrawal(usdc(200));
}

describe("HealthTracker agrees with PositionManager.canLiquidate on a real chain", function () {
  let f: KeelFixture;
  let indexer: ChainIndexer;
  let tracker: HealthTracker;
  const seen = { liquidatable: 0, bookOnly: 0, backstop: 0, healthy: 0 };

  async function expectAgreement(step: string): Promise<void> {
    const block = indexer.lastProcessedBlock;
    const excluded = new Set([await f.fund.getAddress(), await f.pm.getAddress()]);
    const liquidatable: string[] = [];
    for (const account of indexer.accounts.values()) {
      const s = await f.pm.canLiquidate(account.account, { blockTag: block });
      const entry = tracker.entry(account.account);
      const at = `${step}, ${account.account}`;
      expect(entry, at).to.not.equal(undefined);
      expect(entry!.equityWad, `equity at ${at}`).to.equal(s.equityWad);
      expect(entry!.maintenanceMarginWad, `maintenance at ${at}`).to.equal(s.maintenanceMarginWad);
      expect(entry!.liquidatable, `liquidatable at ${at}`).to.equal(s.liquidatable);
      expect(entry!.belowBackstopThreshold, `belowBackstopThreshold at ${at}`).to.equal(s.belowBackstopThreshold);
      if (!entry!.hasPositions || excluded.has(account.account)) continue;
      if (s.liquidatable) liquidatable.push(account.account);
      if (!s.liquidatable) seen.healthy++;
      else if (s.belowBackstopThreshold) seen.backstop++;
      else seen.bookOnly++;
    }
    seen.liquidatable += liquidatable.length;
    expect(
      tracker
        .candidates()
        .map((e) => e.account)
        .sort(),
      `candidates at ${step}`,
    ).to.deep.equal(liquidatable.sort());
  }

  before(async function () {
    f = await deployKeel();
    await openPositions(f);
    indexer = indexerOf(f);
    await indexer.rebuild();
    tracker = new HealthTracker({
      indexer,
      exclude: [await f.fund.getAddress(), await f.pm.getAddress()],
      logger: pino({ level: "silent" }),
    });
    tracker.start();
  });

  after(function () {
    tracker.stop();
  });

  it("matches at every step of a falling BTC mark and a rising event mark, funding included", async function () {
    await expectAgreement("start");
    for (let i = 0; i < BTC_MARKS.length; i++) {
      await setPrices(f, { [BTC_USD]: BTC_MARKS[i], [SENATE22_R]: EVENT_MARKS[i] });
      // Longs pay 20 USD per BTC once, two steps in.
      if (i === 1) await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("20"));
      await indexer.poll();
      await expectAgreement(`BTC ${BTC_MARKS[i] / 10n ** 18n}`);
    }
    expect(seen.healthy, "healthy positions seen").to.be.greaterThan(0);
    expect(seen.bookOnly, "liquidatable above the backstop threshold seen").to.be.greaterThan(0);
    expect(seen.backstop, "below the backstop threshold seen").to.be.greaterThan(0);
    expect(tracker.bankrupt().map((e) => e.account)).to.include(f.alice.address);
  });
});
