/**
 * The oracle keeper pushes every priced market in ONE pushPrices transaction, dated at the quotes' observation time.
 */
import { expect } from "chai";
import { OracleRegistry__factory } from "../../../../keepers/sdk/typechain";
import { setPrices } from "../../../contracts/trading/helpers";
import { BTC_USD, SENATE22_R, deployKeel, wad } from "../../../fixtures/keel";
import { oracleHarness, type OracleHarness } from "./helpers";

describe("oracle keeper: one transaction for every market", function () {
  let h: OracleHarness | undefined;
  afterEach(async function () {
    await h?.close();
    h = undefined;
  });

  it("pushes BTC-USD and SENATE22-R together with the computed index and mark", async function () {
    const f = await deployKeel();
    await setPrices(f, { [BTC_USD]: wad("60000"), [SENATE22_R]: wad("0.4") });
    h = await oracleHarness(f);
    // BTC: binance 60,120 (weight 3), okx 60,100 (2), bybit 60,080 (2) → weighted median 60,100
    h.btc.binance.set(wad("60120"));
    h.btc.okx.set(wad("60100"));
    h.btc.bybit.set(wad("60080"));
    h.event.set(wad("0.42"));
    await h.nextSecond();

    const report = await h.keeper.round();
    expect(report.error).to.equal(undefined);
    expect(report.trigger).to.equal("deviation"); // the event moved 0.02 > 0.005 (absolute)
    const push = report.push;
    if (push === undefined) throw new Error("expected a push");
    expect(push.timestampSec).to.equal(h.clock.nowMs / 1_000);

    const receipt = await h.rpc.provider.getTransactionReceipt(push.txHash);
    const oracle = OracleRegistry__factory.createInterface();
    const pushed = (receipt?.logs ?? [])
      .map((log) => oracle.parseLog({ topics: [...log.topics], data: log.data }))
      .filter((e) => e?.name === "PricesPushed")
      .map((e) => [Number(e?.args.marketId), e?.args.indexWad as bigint, e?.args.markWad as bigint]);
    // With no book and no perp mid, the BTC mark is the index; the event's first update moves straight to 0.42.
    expect(pushed).to.deep.equal([
      [BTC_USD, wad("60100"), wad("60100")],
      [SENATE22_R, wad("0.42"), wad("0.42")],
    ]);
    const block = await h.rpc.provider.getBlock(receipt?.blockNumber ?? 0);
    expect(block?.transactions.length, "one transaction in the block").to.equal(1);
    const [btc, event] = [await f.oracle.snapshot(BTC_USD), await f.oracle.snapshot(SENATE22_R)];
    expect(btc.timestamp).to.equal(BigInt(push.timestampSec));
    expect(event.timestamp).to.equal(BigInt(push.timestampSec));
    expect(h.keeper.lastPushed(SENATE22_R)?.markWad).to.equal(wad("0.42"));
  });
});
