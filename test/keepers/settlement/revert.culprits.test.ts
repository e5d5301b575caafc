/**
 * `decodeSettleRevert` against real `settleBatch` reverts on the Hardhat network: each class of error blames the
 * right fill and the right order (DESIGN §5), and errors that are no fill's fault are not blamed on one.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { BTC_USD, SENATE22_R, deployKeel, usdc, wad, type KeelFixture } from "../../fixtures/keel";
import { BatchBuilder, type SettleBatchArgs, type SignedOrder } from "../../../keepers/sdk/batch";
import { revertDataOf } from "../../../keepers/core/chainSupport";
import { decodeSettleRevert, type SettleRevert } from "../../../keepers/settlement/revert";
import { defaultPrices } from "../../contracts/trading/helpers";
import { MARK_WAD, OrderDesk, fundTraders, type PlacedOrder } from "./helpers";

const SIZE = wad("0.01");

/** One fill of a batch under test. */
interface Spec {
  maker: PlacedOrder;
  taker: PlacedOrder;
  size?: bigint;
  price?: bigint;
}

describe("decodeSettleRevert on real reverts", function () {
  let f: KeelFixture;
  let desk: OrderDesk;
  let a: HardhatEthersSigner, b: HardhatEthersSigner, c: HardhatEthersSigner, d: HardhatEthersSigner;
  let poor: HardhatEthersSigner;

  beforeEach(async function () {
    f = await deployKeel();
    [a, b, c, d, poor] = (await ethers.getSigners()).slice(5, 10);
    await fundTraders(f, [a, b, c, d]);
    await fundTraders(f, [poor], usdc(50));
    await defaultPrices(f);
    desk = await OrderDesk.of(f);
  });

  /** A valid fill: `maker` sells SIZE to `taker` at the mark. */
  async function valid(maker = a, taker = b): Promise<Spec> {
    return { maker: await desk.order(maker, "sell", SIZE), taker: await desk.order(taker, "buy", SIZE) };
  }

  function argsOf(specs: Spec[], batchId = 1n): SettleBatchArgs {
    const builder = new BatchBuilder(batchId);
    const signed = (p: PlacedOrder): SignedOrder => p.book.signed;
    for (const s of specs)
      builder.addFill(
        signed(s.maker),
        signed(s.taker),
        s.size ?? s.maker.book.sizeWad,
        s.price ?? s.maker.book.priceWad,
      );
    return builder.args();
  }

  /** Simulates the batch from `caller` (default the matcher) and decodes its revert. */
  async function revertOf(
    specs: Spec[],
    options: { batchId?: bigint; caller?: HardhatEthersSigner } = {},
  ): Promise<SettleRevert> {
    const args = argsOf(specs, options.batchId ?? (await f.pm.nextBatchId()));
    try {
      await f.pm
        .connect(options.caller ?? f.deployer)
        .settleBatch.staticCall(args.batchId, args.orders, args.signatures, args.fills);
    } catch (error) {
      const data = revertDataOf(error);
      expect(data, "a revert, not a transport error").to.not.equal(undefined);
      return decodeSettleRevert(data!, args);
    }
    throw new Error("the batch did not revert");
  }

  describe("order-level errors blame the order at orderIndex", function () {
    it("blames the taker of a fill whose taker was cancelled on chain (OrderDead)", async function () {
      const bad = await valid(c, d);
      await f.pm.connect(d).cancelOrder(bad.taker.book.signed.order);
      const r = await revertOf([await valid(), bad]);
      expect(r).to.deep.include({ kind: "fill", errorName: "OrderDead", fillIndex: 1, culprit: "taker" });
      expect(r.message).to.match(/^OrderDead\(fillIndex=1, orderIndex=3/);
    });

    it("blames the maker of a fill whose maker expired (OrderExpired)", async function () {
      const expiry = BigInt(await time.latest()) - 1n;
      const bad: Spec = {
        maker: await desk.order(c, "sell", SIZE, { expiry }),
        taker: await desk.order(d, "buy", SIZE),
      };
      const r = await revertOf([bad, await valid()]);
      expect(r).to.deep.include({ kind: "fill", errorName: "OrderExpired", fillIndex: 0, culprit: "maker" });
    });

    it("blames the order whose limit the price passes (FillPriceBeyondLimit)", async function () {
      const bad: Spec = {
        maker: await desk.order(c, "sell", SIZE),
        taker: await desk.order(d, "buy", SIZE, { price: MARK_WAD - wad("100") }),
      };
      const r = await revertOf([await valid(), bad]);
      expect(r).to.deep.include({ kind: "fill", errorName: "FillPriceBeyondLimit", fillIndex: 1, culprit: "taker" });
    });
  });

  describe("BatchMarginInsufficient blames the side whose account it names", function () {
    it("blames a taker that cannot afford the position", async function () {
      const bad: Spec = {
        maker: await desk.order(a, "sell", wad("1")),
        taker: await desk.order(poor, "buy", wad("1")),
      };
      const r = await revertOf([await valid(c, d), bad]);
      expect(r).to.deep.include({ kind: "fill", errorName: "BatchMarginInsufficient", fillIndex: 1, culprit: "taker" });
      expect(r.args[1]).to.equal(poor.address);
    });

    it("blames a maker that cannot afford the position", async function () {
      const bad: Spec = {
        maker: await desk.order(poor, "sell", wad("1")),
        taker: await desk.order(a, "buy", wad("1")),
      };
      const r = await revertOf([bad, await valid(c, d)]);
      expect(r).to.deep.include({ kind: "fill", errorName: "BatchMarginInsufficient", fillIndex: 0, culprit: "maker" });
    });
  });

  describe("fill-level errors blame the taker", function () {
    it("FillPriceOutsideBand", async function () {
      const price = MARK_WAD + wad("6000"); // 10% above the mark; the band is 5%
      const bad: Spec = {
        maker: await desk.order(c, "sell", SIZE, { price: MARK_WAD }),
        taker: await desk.order(d, "buy", SIZE, { price }),
        price,
      };
      const r = await revertOf([await valid(), bad]);
      expect(r).to.deep.include({ kind: "fill", errorName: "FillPriceOutsideBand", fillIndex: 1, culprit: "taker" });
    });

    it("FillSizeInvalid", async function () {
      const bad = { ...(await valid(c, d)), size: SIZE + 1n };
      const r = await revertOf([bad, await valid()]);
      expect(r).to.deep.include({ kind: "fill", errorName: "FillSizeInvalid", fillIndex: 0, culprit: "taker" });
    });
  });

  it("blames the taker of the batch's last fill in a market over its OI cap (BatchOpenInterestCap)", async function () {
    const [e, g, h, k] = (await ethers.getSigners()).slice(10, 14);
    await fundTraders(f, [e, g, h, k], usdc(3_000_000));
    const event = async (maker: HardhatEthersSigner, taker: HardhatEthersSigner, size: bigint): Promise<Spec> => ({
      maker: await desk.order(maker, "sell", size, { marketId: SENATE22_R, price: wad("0.4") }),
      taker: await desk.order(taker, "buy", size, { marketId: SENATE22_R, price: wad("0.4") }),
    });
    const specs = [await event(e, g, wad("6000000")), await event(h, k, wad("4500000")), await valid()];
    const r = await revertOf(specs);
    expect(r).to.deep.include({ kind: "fill", errorName: "BatchOpenInterestCap", fillIndex: 1, culprit: "taker" });
    expect(Number(r.args[0])).to.equal(SENATE22_R);
    expect(specs[2].maker.book.marketId).to.equal(BTC_USD);
  });

  it("reports BatchIdMismatch as a batch-id problem, not a fill's", async function () {
    const r = await revertOf([await valid()], { batchId: (await f.pm.nextBatchId()) + 1n });
    expect(r).to.deep.include({ kind: "batch-id-mismatch", errorName: "BatchIdMismatch", culprit: "none" });
    expect(r.fillIndex).to.equal(undefined);
  });

  describe("errors that are no fill's fault block the batch", function () {
    it("a caller without MATCHER_ROLE", async function () {
      const r = await revertOf([await valid()], { caller: f.outsider });
      expect(r).to.deep.include({ kind: "blocked", errorName: "AccessControlUnauthorizedAccount", culprit: "none" });
    });

    it("a stale oracle (an OracleRegistry error surfacing through settleBatch)", async function () {
      await time.increase(3600);
      const r = await revertOf([await valid()]);
      expect(r).to.deep.include({ kind: "blocked", errorName: "OracleStale", culprit: "none" });
    });
  });

  it("calls revert data it cannot read undecodable (to be bisected)", function () {
    const args = argsOf([]);
    expect(decodeSettleRevert("0x", args)).to.deep.include({ kind: "undecodable", culprit: "none" });
    expect(decodeSettleRevert("0xdeadbeef", args).kind).to.equal("undecodable");
    const panic = ethers.concat(["0x4e487b71", ethers.toBeHex(0x11, 32)]);
    expect(decodeSettleRevert(panic, args)).to.deep.include({ kind: "undecodable", message: "Panic(17)" });
  });
});
