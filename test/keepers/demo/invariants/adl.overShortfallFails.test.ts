/**
 * Invariant 4: the value ADL takes from counterparties (|size| · |mark − bankruptcy price|) must not exceed the
 * bankrupt account's deficit just before. The contracts compute the bankruptcy price from that very deficit, so the
 * chain cannot be made to break it; instead the check reads the deficit through a PositionManager whose
 * `canLiquidate` halves the bankrupt account's negative equity (a mocked contract read), as if the ADL had closed
 * twice the shortfall. Nothing else reads `canLiquidate`, so the other four still pass.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { connectKeel } from "../../../../keepers/core/deployment";
import {
  ADL_INVARIANT,
  checkInvariants,
  measureAdlRounds,
  readChainSnapshot,
} from "../../../../keepers/demo/invariants";
import type { PositionManager } from "../../../../keepers/sdk/typechain";
import { BTC_USD, SENATE22_R, deployKeel, fund, keelAddresses, usdc, wad } from "../../../fixtures/keel";
import { defaultPrices } from "../../../contracts/trading/helpers";
import { openTrade } from "../../../contracts/waterfall/adl/helpers";
import { expectVerdicts, resultOf, settledRun } from "./helpers";

/** `pm` with `canLiquidate` reporting half the real equity (so half the real deficit). */
function halvingDeficit(pm: PositionManager): PositionManager {
  const canLiquidate = async (account: string, overrides: { blockTag: number }) => {
    const real = await pm.canLiquidate(account, overrides);
    return { equityWad: real.equityWad / 2n };
  };
  return new Proxy(pm, {
    get(target, property) {
      if (property === "canLiquidate") return canLiquidate;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("checkInvariants: ADL closed no more than the shortfall", function () {
  it("measures the run's ADL round exactly within the bankrupt account's deficit", async function () {
    const { f, input } = await settledRun();
    const snapshot = await readChainSnapshot(input.contracts, input.accounts, input.fromBlock);
    const [round, ...more] = await measureAdlRounds(input.contracts, snapshot.events);
    expect(more).to.deep.equal([]);
    expect(round.account).to.equal(f.alice.address);
    expect(round.counterparties).to.deep.equal([f.bob.address]);
    expect(round.marketIds).to.deep.equal([BTC_USD]);
    // The bankruptcy price rounds toward the mark: bob gives up the deficit less a fraction of a wei.
    expect(round.givenUpWad2).to.be.lte(round.deficitWad * 10n ** 18n);
    expect(round.deficitWad * 10n ** 18n - round.givenUpWad2).to.be.lt(10n ** 18n);
    expect(round.withinShortfall).to.equal(true);
  });

  it("fails naming the bankrupt account when the deficit read is half what the ADL took", async function () {
    const { f, input } = await settledRun();
    const contracts = { ...input.contracts, positionManager: halvingDeficit(input.contracts.positionManager) };

    const results = await checkInvariants({ ...input, contracts });

    expectVerdicts(results, [ADL_INVARIANT]);
    const alice = `${f.alice.address.slice(0, 6)}…${f.alice.address.slice(-4)}`;
    expect(resultOf(results, ADL_INVARIANT).detail).to.match(
      new RegExp(
        `${alice} at block \\d+: 208\\.40 USD .*taken against a deficit of 104\\.20 USD \\(\\d+ wei too much\\)`,
      ),
    );
  });

  it("passes trivially, and says so, when no auto-deleveraging happened", async function () {
    const f = await deployKeel();
    await fund(f, f.alice, usdc(10_000));
    await fund(f, f.bob, usdc(10_000));
    await defaultPrices(f);
    await openTrade(f, f.alice, f.bob, wad("0.1"), wad("60000"));

    const results = await checkInvariants({
      contracts: connectKeel(keelAddresses(f), ethers.provider),
      accounts: [f.alice.address, f.bob.address],
      netDepositsWad: new Map(),
      neverTraded: [],
      boundedMarketId: SENATE22_R,
      fromBlock: 0,
    });

    const adl = resultOf(results, ADL_INVARIANT);
    expect(adl.pass).to.equal(true);
    expect(adl.detail).to.contain("no auto-deleveraging happened").and.contain("passes trivially");
  });
});
