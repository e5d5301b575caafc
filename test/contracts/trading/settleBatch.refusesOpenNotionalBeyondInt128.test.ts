/**
 * A position's open notional is stored as an int128. The registry accepts markets whose bounds allow a larger one
 * (open interest up to int96 max at prices up to 1e12 USD: up to ~7.9e40 wad of notional, int128 max is ~1.7e38), so
 * `settleBatch` relies on SafeCast: a fill that would store a larger open notional reverts the whole batch with
 * SafeCastOverflowedIntDowncast(128, notional) and moves nothing.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { HyperCoreMode, MarketKind, btcUsd } from "../../../deploy/params";
import { deployKeel, fund, type KeelFixture } from "../../fixtures/keel";
import { WAD, order, setPrices, settle, signed } from "./helpers";
import { expectLedgerUnchanged, ledgerSnapshot } from "./revertHelpers";

const INT96_MAX = 2n ** 95n - 1n;
const INT128_MAX = 2n ** 127n - 1n;
/** The registry's largest asset price: 1e12 USD per unit. */
const PRICE = 10n ** 30n;
/** 2e8 units: its notional at PRICE, 2e38 wad, passes int128. */
const SIZE = 2n * 10n ** 26n;

/** Lists and activates HUGE-USD: BTC-USD's parameters at the registry's price and open-interest maximums. */
async function listHugeMarket(f: KeelFixture): Promise<number> {
  const config = btcUsd(HyperCoreMode.None);
  config.trading.minPriceWad = PRICE / 10n;
  config.trading.maxPriceWad = PRICE;
  config.margin.maxOpenInterestWad = INT96_MAX;
  await f.registry.connect(f.deployer).listMarket("HUGE-USD", MarketKind.Asset, config);
  const marketId = Number(await f.registry.marketIdBySymbol("HUGE-USD"));
  await f.registry.connect(f.deployer).activateMarket(marketId);
  await setPrices(f, { [marketId]: PRICE });
  return marketId;
}

describe("settleBatch refuses an open notional beyond int128", function () {
  it("reverts SafeCastOverflowedIntDowncast(128, notional) and moves nothing", async function () {
    const f = await deployKeel();
    const marketId = await listHugeMarket(f);
    const notional = (SIZE * PRICE) / WAD;
    expect(notional).to.be.greaterThan(INT128_MAX);
    expect(SIZE).to.be.lessThanOrEqual(INT96_MAX);
    // Both sides hold more than the 10% initial margin of the top tier.
    for (const account of [f.alice, f.bob]) await fund(f, account, notional / 10n ** 12n / 5n);

    const maker = await signed(f, f.bob, order(f.bob, "sell", { marketId, size: SIZE, price: PRICE }));
    const taker = await signed(f, f.alice, order(f.alice, "buy", { marketId, size: SIZE, price: PRICE }));
    const before = await ledgerSnapshot(f, [f.alice, f.bob], [marketId]);
    const safeCast = await ethers.getContractAt("SafeCast", await f.pm.getAddress());

    await expect(settle(f, [{ maker, taker, size: SIZE, price: PRICE }]))
      .to.be.revertedWithCustomError(safeCast, "SafeCastOverflowedIntDowncast")
      .withArgs(128, -notional);
    await expectLedgerUnchanged(f, before, [f.alice, f.bob], [marketId]);
  });
});
