/**
 * A Resolved market is frozen: no parameter change, no price. No function moves a market to Resolved before the
 * resolution logic lands, so the test writes the status into storage and checks it reads back as Resolved first.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { Result } from "ethers";
import { MarketStatus } from "../../../deploy/params";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { BTC_USD, deployKeel, useSolvencyInvariant, wad, type KeelFixture } from "../../fixtures/keel";

/** Storage slot of MarketRegistry._info (after AccessControl._roles, _marketCount, _idBySymbol). */
const INFO_SLOT = 3n;

/** Rewrites the status byte of `marketId` (the second byte of MarketInfo's packed slot). */
async function forceStatus(f: KeelFixture, marketId: number, from: number, to: number): Promise<void> {
  const registry = await f.registry.getAddress();
  const base = BigInt(ethers.solidityPackedKeccak256(["uint256", "uint256"], [marketId, INFO_SLOT]));
  const slot = ethers.toBeHex(base + 1n, 32);
  const packed = BigInt(await ethers.provider.getStorage(registry, slot));
  expect((packed >> 8n) & 0xffn, "the slot holds the status").to.equal(BigInt(from));
  const rewritten = (packed & ~(0xffn << 8n)) | (BigInt(to) << 8n);
  await network.provider.send("hardhat_setStorageAt", [registry, slot, ethers.toBeHex(rewritten, 32)]);
  expect(await f.registry.marketStatus(marketId)).to.equal(to);
}

describe("a Resolved market", function () {
  useSolvencyInvariant();

  it("reverts MarketNotConfigurable on every setter", async function () {
    const f = await deployKeel();
    const r = f.registry;
    const id = BTC_USD;
    // Struct outputs are read-only ethers Results: copy them into plain objects to send them back.
    const plain = <T>(value: T): T => (value as unknown as Result).toObject(true) as T;
    const calls = [
      r.setTradingParams.populateTransaction(id, plain(await r.tradingParams(id))),
      r.setFeeParams.populateTransaction(id, plain(await r.feeParams(id))),
      r.setMarginParams.populateTransaction(id, plain(await r.marginParams(id))),
      r.setMarginTiers.populateTransaction(id, (await r.marginTiers(id)).map(plain)),
      r.setFundingParams.populateTransaction(id, plain(await r.fundingParams(id))),
      r.setLiquidationParams.populateTransaction(id, plain(await r.liquidationParams(id))),
      r.setOracleParams.populateTransaction(id, plain(await r.oracleParams(id))),
      r.setLifecycleParams.populateTransaction(id, plain(await r.lifecycleParams(id))),
    ];
    const txs = await Promise.all(calls);
    await forceStatus(f, id, MarketStatus.Active, MarketStatus.Resolved);
    for (const tx of txs) {
      await expect(f.deployer.sendTransaction(tx))
        .to.be.revertedWithCustomError(r, "MarketNotConfigurable")
        .withArgs(id, MarketStatus.Resolved);
    }
  });

  it("reverts OracleMarketNotPriced on a push", async function () {
    const f = await deployKeel();
    await forceStatus(f, BTC_USD, MarketStatus.Active, MarketStatus.Resolved);
    const now = await time.latest();
    await expect(f.oracle.pushPrices([BTC_USD], [wad(100_000)], [wad(100_000)], now))
      .to.be.revertedWithCustomError(f.oracle, "OracleMarketNotPriced")
      .withArgs(BTC_USD, MarketStatus.Resolved);
  });
});
