import { expect } from "chai";
import { deployKeel, usdc, wad } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, defaultPrices, fundAll, trade } from "./helpers";

describe("PositionManager smoke", function () {
  it("settles one fill", async function () {
    const f = await deployKeel();
    await fundAll(f, [f.alice, f.bob], usdc(10_000));
    await defaultPrices(f);
    const tx = await trade(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
    const r = await tx.wait();
    console.log("gas", r?.gasUsed);
    const p = await f.pm.position(f.alice.address, BTC_USD);
    expect(p.sizeWad).to.equal(wad("0.1"));
    const tx2 = await trade(f, f.bob, f.alice, "buy", wad("0.1"), BTC_PRICE);
    console.log("gas2", (await tx2.wait())?.gasUsed);
    console.log(await f.pm.accountMargin(f.alice.address));
  });
});
