/**
 * A pending withdrawal still counts as collateral for maintenance (DESIGN §3, §5): after a batch, an account whose
 * exposure did not grow passes when its equity plus its pending withdrawal covers maintenance, even if its margin
 * ratio on the balance alone got worse; without that pending withdrawal the same fill is refused.
 *
 * alice buys 0.3 BTC from bob at 60,000 (taker fee 8.1). With a 1,500 deposit and 500 requested back, or a 1,000
 * deposit and nothing pending, her balance is 991.9. At a mark of 57,000 her equity on the balance is
 * 991.9 − 0.3 · 3,000 = 91.9 < maintenance 0.3 · 57,000 · 1% = 171. She sells 0.1 to carol at 55,860 (2% under the
 * mark, inside the 5% fill band): realized 5,586 − 6,000 = −414, taker fee 2.5137, equity
 * 991.9 − 414 − 2.5137 + (0.2 · 57,000 − 12,000) = −24.6137 against maintenance 114 — a worse ratio than
 * 91.9 / 171. With the 500 pending: 475.3863 ≥ 114.
 */
import { expect } from "chai";
import { deployKeel, fund, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, defaultPrices, fundAll, settle, trade, wad } from "./helpers";
import { balanceOf, place, walkPrices } from "./behaviourHelpers";

const MARK = wad("57000");
const FILL_PRICE = wad("55860");

/** alice long 0.3 at 60,000 with a balance of 991.9 and `pendingUsdc` requested back; the mark walked to 57,000. */
async function setup(pendingUsdc: bigint): Promise<KeelFixture> {
  const f = await deployKeel();
  await fundAll(f, [f.bob, f.carol], usdc(100_000));
  await fund(f, f.alice, usdc(1_000) + pendingUsdc);
  await defaultPrices(f);
  await trade(f, f.bob, f.alice, "buy", wad("0.3"), BTC_PRICE);
  if (pendingUsdc !== 0n) await f.vault.connect(f.alice).requestWithdrawal(pendingUsdc);
  expect(await balanceOf(f, f.alice)).to.equal(wad("991.9"));
  await walkPrices(f, { [BTC_USD]: MARK });
  return f;
}

/** alice (taker) sells 0.1 to carol at 55,860. */
async function sellAtBandEdge(f: KeelFixture) {
  return settle(f, [
    {
      maker: await place(f, f.carol, "buy", { size: wad("0.1"), price: FILL_PRICE }),
      taker: await place(f, f.alice, "sell", { size: wad("0.1"), price: FILL_PRICE }),
      size: wad("0.1"),
      price: FILL_PRICE,
    },
  ]);
}

describe("PositionManager.settleBatch counts a pending withdrawal for maintenance", function () {
  useSolvencyInvariant();

  it("settles a reducing fill that worsens the ratio when the pending withdrawal covers maintenance", async function () {
    const f = await setup(usdc(500));

    await sellAtBandEdge(f);

    const p = await f.pm.position(f.alice.address, BTC_USD);
    expect([p.sizeWad, p.openNotionalWad]).to.deep.equal([wad("0.2"), wad("12000")]);
    expect(await balanceOf(f, f.alice)).to.equal(wad("575.3863"));
    expect((await f.vault.pendingWithdrawal(f.alice.address)).amount, "the withdrawal stays pending").to.equal(
      usdc(500),
    );
    const m = await f.pm.accountMargin(f.alice.address);
    expect(m.maintenanceMarginWad).to.equal(wad("114"));
  });

  it("refuses the same fill for an account with the same balance and nothing pending", async function () {
    const f = await setup(0n);

    await expect(sellAtBandEdge(f))
      .to.be.revertedWithCustomError(f.pm, "BatchMarginInsufficient")
      .withArgs(0n, f.alice.address, -wad("24.6137"), wad("114"));
    expect((await f.pm.position(f.alice.address, BTC_USD)).sizeWad).to.equal(wad("0.3"));
  });
});
