/**
 * The clearing-account residual that invariant 5 reads (`clearingResidualWad`: the clearing account's balance + Σ
 * open cost bases and pending funding − unpaid claims) stays rounding dust — at least 0, below one USDC unit —
 * through the paths the demo's keepers take besides the clean run's: a book liquidation, a backstop takeover by the
 * insurance fund, and funding on positions the fund now holds. Default fees throughout.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { connectKeel } from "../../../../keepers/core/deployment";
import { clearingResidualWad, readChainSnapshot } from "../../../../keepers/demo/invariants";
import {
  BTC_USD,
  deployKeel,
  fund,
  keelAddresses,
  seedInsuranceFund,
  usdc,
  wad,
  type KeelFixture,
} from "../../../fixtures/keel";
import { defaultPrices } from "../../../contracts/trading/helpers";
import { walkPrices } from "../../../contracts/trading/behaviourHelpers";
import { openTrade } from "../../../contracts/waterfall/adl/helpers";
import { liqFill, liquidate, makerOrder } from "../../../contracts/waterfall/book/helpers";

/** One USDC unit in wad: the residual must stay below it. */
const TOKEN_UNIT_WAD = 10n ** 12n;

async function expectDust(f: KeelFixture, step: string): Promise<bigint> {
  const contracts = connectKeel(keelAddresses(f), ethers.provider);
  const residualWad = clearingResidualWad(await readChainSnapshot(contracts, [], 0));
  expect(residualWad, `${step}: residual ≥ 0`).to.be.gte(0n);
  expect(residualWad, `${step}: residual below one token unit`).to.be.lt(TOKEN_UNIT_WAD);
  return residualWad;
}

describe("clearingResidualWad through the liquidation waterfall", function () {
  it("stays rounding dust after a book liquidation, a backstop takeover and funding", async function () {
    const f = await deployKeel();
    const [dave] = (await ethers.getSigners()).slice(5, 6);
    await fund(f, f.alice, usdc(1_000));
    await fund(f, dave, usdc(1_000));
    for (const s of [f.bob, f.carol]) await fund(f, s, usdc(100_000));
    await seedInsuranceFund(f, usdc(10_000));
    await defaultPrices(f);
    await openTrade(f, f.alice, f.bob, wad("0.3"), wad("60000"));
    await openTrade(f, dave, f.bob, wad("0.3"), wad("60012.3"));
    await expectDust(f, "after the trades");

    // 57,000: both longs are below maintenance (equity ≈ 92 and ≈ 88 against 171).
    await walkPrices(f, { [BTC_USD]: wad("57000") });
    const bid = await makerOrder(f, f.carol, "buy", wad("0.3"), wad("57000"));
    await liquidate(f, f.alice, [bid], [liqFill(0, wad("0.3"), wad("57000"))]);
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(0n);
    await expectDust(f, "after the book liquidation");

    await f.pm.connect(f.deployer).backstopLiquidate(dave.address, BTC_USD);
    expect((await f.pm.position(await f.fund.getAddress(), BTC_USD)).sizeWad).to.equal(wad("0.3"));
    await expectDust(f, "after the backstop takeover");

    await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("3.7"));
    await expectDust(f, "with funding pending");
    await openTrade(f, f.carol, f.bob, wad("0.1"), wad("57000"));
    await expectDust(f, "after funding settled on a touch");
  });
});
