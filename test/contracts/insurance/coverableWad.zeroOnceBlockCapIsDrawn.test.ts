/**
 * The per-block draw cap as the views report it (IInsuranceFund, DESIGN §13.14): once the draws of a block reach the
 * cap, `coverableWad` is 0 for the rest of that block whatever the fund holds, and the next block has the whole cap.
 *
 * Setup (waterfall/backstop/helpers.ts, fees off): alice holds 1,000 USD long 0.3 BTC from 60,000; at 56,000 her
 * deficit is 200, and the cap is set to exactly 200.
 */
import { expect } from "chai";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { useSolvencyInvariant } from "../../fixtures/keel";
import { BTC_USD, backstopSetup, moveBtc, wad } from "../waterfall/backstop/helpers";

describe("InsuranceFund.coverableWad under the per-block draw cap", function () {
  useSolvencyInvariant();

  it("is 0 in the block whose draws used the whole cap, and the whole cap in the next", async function () {
    const f = await backstopSetup();
    await f.fund.connect(f.deployer).setMaxDrawPerBlock(wad("200"));
    await moveBtc(f, wad("56000"));
    expect(await f.fund.coverableWad()).to.equal(wad("200"));

    await expect(f.pm.connect(f.deployer).backstopLiquidate(f.alice.address, BTC_USD))
      .to.emit(f.fund, "BadDebtCovered")
      .withArgs(BTC_USD, wad("200"), wad("200"));

    // Views read the latest block, the takeover's: the cap is used up although the fund holds 9,800.
    expect(await f.fund.drawnThisBlockWad()).to.equal(wad("200"));
    expect(await f.fund.availableWad()).to.be.gt(wad("9000"));
    expect(await f.fund.coverableWad()).to.equal(0n);

    await mine();
    expect(await f.fund.drawnThisBlockWad()).to.equal(0n);
    expect(await f.fund.coverableWad()).to.equal(wad("200"));
  });
});
