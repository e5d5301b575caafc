import type { OracleRegistry } from "../../../keepers/sdk/typechain";
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { BTC_USD, type KeelFixture, deployKeel, wad } from "../../fixtures/keel";
import { HyperCoreMode } from "../../../deploy/params";
import {
  BTC_ORACLE,
  BTC_PERP,
  BTC_TRADING,
  L1_BLOCK_NUMBER_PRECOMPILE,
  MARK_PX_PRECOMPILE,
  ORACLE_PX_PRECOMPILE,
  PrecompileMode,
  type Precompiles,
  PriceSource,
  WAD,
  expectSnapshot,
  installPrecompiles,
  perpRawToWad,
  pushOne,
  setHyperCore,
  setHyperCoreMode,
} from "./helpers";

/** HyperCore's BTC perp: raw prices in 10^−(6 − 5) = 0.1 USD, so 950_000 is 95,000 USD. */
const BTC_ORACLE_RAW = 950_000n;
const BTC_MARK_RAW = 951_000n;
const L1_BLOCK = 123_456n;
const HYPERCORE_INDEX = wad(95_000);
const HYPERCORE_MARK = wad(95_100);
/** The widest distance a pushed price may have from HyperCore's (2% of HyperCore's price). */
const INDEX_REF_DELTA = (HYPERCORE_INDEX * BTC_ORACLE.maxRefDeviationWad) / WAD;
const MARK_REF_DELTA = (HYPERCORE_MARK * BTC_ORACLE.maxRefDeviationWad) / WAD;

/** Keel with the precompile mocks installed and HyperCore's BTC perp at 95,000 oracle / 95,100 mark. */
async function deployWithHyperCore(): Promise<KeelFixture & { precompiles: Precompiles }> {
  const f = await deployKeel();
  const precompiles = await installPrecompiles();
  await setHyperCore(precompiles, {
    perpIndex: BTC_PERP.index,
    oracleRaw: BTC_ORACLE_RAW,
    markRaw: BTC_MARK_RAW,
    l1Block: L1_BLOCK,
  });
  return { ...f, precompiles };
}

/** The revert data of `HyperCoreReadFailed(precompile, perpIndex)`, as the registry forwards it in its event. */
function readFailed(f: KeelFixture, precompile: string, perpIndex = BTC_PERP.index): string {
  return f.hyperCoreSource.interface.encodeErrorResult("HyperCoreReadFailed", [precompile, perpIndex]);
}

describe("HyperCore prices", function () {
  describe("HyperCorePriceSource.readPerp", function () {
    it("scales raw perp prices to wad: BTC raw 950_000 at szDecimals 5 is 95,000 USD", async function () {
      const { hyperCoreSource } = await deployWithHyperCore();
      expect(perpRawToWad(BTC_ORACLE_RAW, BTC_PERP.szDecimals)).to.equal(HYPERCORE_INDEX);

      const [oraclePriceWad, markPriceWad, l1BlockNumber] = await hyperCoreSource.readPerp(
        BTC_PERP.index,
        BTC_PERP.szDecimals,
      );
      expect(oraclePriceWad).to.equal(wad(95_000));
      expect(markPriceWad).to.equal(wad(95_100));
      expect(l1BlockNumber).to.equal(L1_BLOCK);
    });

    it("multiplies by 10^(12 + szDecimals) for every szDecimals from 0 to 6", async function () {
      const { hyperCoreSource, precompiles } = await deployWithHyperCore();
      await setHyperCore(precompiles, { perpIndex: 7, oracleRaw: 2_500_000n, markRaw: 2_600_000n, l1Block: L1_BLOCK });
      // szDecimals 0: raw in 1e-6 USD, so 2_500_000 is 2.5 USD; szDecimals 6: raw in whole USD.
      expect(await hyperCoreSource.readPerp(7, 0)).to.deep.equal([wad("2.5"), wad("2.6"), L1_BLOCK]);
      expect(await hyperCoreSource.readPerp(7, 6)).to.deep.equal([wad(2_500_000), wad(2_600_000), L1_BLOCK]);
    });

    it("reads the L1 block number from 0x…0809 with an empty input, whatever the perp", async function () {
      const { hyperCoreSource, precompiles } = await deployWithHyperCore();
      await setHyperCore(precompiles, { perpIndex: 3, oracleRaw: 10n, markRaw: 11n, l1Block: 777n });
      // An input of abi.encode(3) would read index 3 of the mock; the empty input reads index 0.
      await precompiles.l1Block.setValue(3, 999n);
      const [, , l1BlockNumber] = await hyperCoreSource.readPerp(3, 5);
      expect(l1BlockNumber).to.equal(777n);
    });

    it("reverts HyperCoreReadFailed when a precompile reverts", async function () {
      const f = await deployWithHyperCore();
      await f.precompiles.oracle.setMode(PrecompileMode.Revert);
      await expect(f.hyperCoreSource.readPerp(BTC_PERP.index, BTC_PERP.szDecimals))
        .to.be.revertedWithCustomError(f.hyperCoreSource, "HyperCoreReadFailed")
        .withArgs(ORACLE_PX_PRECOMPILE, BTC_PERP.index);
    });

    it("reverts HyperCoreReadFailed when a precompile answers malformed data (64 bytes)", async function () {
      const f = await deployWithHyperCore();
      await f.precompiles.mark.setMode(PrecompileMode.Malformed);
      await expect(f.hyperCoreSource.readPerp(BTC_PERP.index, BTC_PERP.szDecimals))
        .to.be.revertedWithCustomError(f.hyperCoreSource, "HyperCoreReadFailed")
        .withArgs(MARK_PX_PRECOMPILE, BTC_PERP.index);
    });

    it("reverts HyperCoreReadFailed for a zero oracle price, mark price or L1 block number", async function () {
      const f = await deployWithHyperCore();
      // Perp 4 has no price at all: the oracle price is read first.
      await expect(f.hyperCoreSource.readPerp(4, 2))
        .to.be.revertedWithCustomError(f.hyperCoreSource, "HyperCoreReadFailed")
        .withArgs(ORACLE_PX_PRECOMPILE, 4);
      await f.precompiles.oracle.setValue(4, 1_000n);
      await expect(f.hyperCoreSource.readPerp(4, 2))
        .to.be.revertedWithCustomError(f.hyperCoreSource, "HyperCoreReadFailed")
        .withArgs(MARK_PX_PRECOMPILE, 4);
      await f.precompiles.mark.setValue(4, 1_000n);
      await f.precompiles.l1Block.setValue(0, 0n);
      await expect(f.hyperCoreSource.readPerp(4, 2))
        .to.be.revertedWithCustomError(f.hyperCoreSource, "HyperCoreReadFailed")
        .withArgs(L1_BLOCK_NUMBER_PRECOMPILE, 4);
    });

    it("reverts HyperCoreReadFailed, not out of gas, when a precompile burns all its gas", async function () {
      const f = await deployWithHyperCore();
      await f.precompiles.l1Block.setMode(PrecompileMode.BurnAllGas);
      // 200k is plenty for three reads of 10,000 gas, and far less than an unbounded read would burn.
      await expect(f.hyperCoreSource.readPerp(BTC_PERP.index, BTC_PERP.szDecimals, { gasLimit: 200_000 }))
        .to.be.revertedWithCustomError(f.hyperCoreSource, "HyperCoreReadFailed")
        .withArgs(L1_BLOCK_NUMBER_PRECOMPILE, BTC_PERP.index);
    });

    it("reverts HyperCoreReadFailed on a chain without HyperCore precompiles (empty answer)", async function () {
      const { hyperCoreSource } = await deployKeel();
      await expect(hyperCoreSource.readPerp(BTC_PERP.index, BTC_PERP.szDecimals))
        .to.be.revertedWithCustomError(hyperCoreSource, "HyperCoreReadFailed")
        .withArgs(ORACLE_PX_PRECOMPILE, BTC_PERP.index);
    });

    it("reverts HyperCoreInvalidSzDecimals above 6", async function () {
      const { hyperCoreSource } = await deployWithHyperCore();
      await expect(hyperCoreSource.readPerp(BTC_PERP.index, 7))
        .to.be.revertedWithCustomError(hyperCoreSource, "HyperCoreInvalidSzDecimals")
        .withArgs(7);
    });
  });

  describe("OracleRegistry in Reference mode", function () {
    it("accepts pushes within maxRefDeviationWad: source KeeperCheckedByHyperCore, L1 block", async function () {
      const { oracle, registry, deployer } = await deployWithHyperCore();
      await setHyperCoreMode(registry, BTC_USD, HyperCoreMode.Reference);
      const timestamp = await time.latest();

      await expect(pushOne(oracle, BTC_USD, wad(95_500), wad(95_200), timestamp))
        .to.emit(oracle, "PricesPushed")
        .withArgs(BTC_USD, wad(95_500), wad(95_200), timestamp, PriceSource.KeeperCheckedByHyperCore, deployer.address)
        .and.not.to.emit(oracle, "HyperCoreUnavailable");
      await expectSnapshot(oracle, BTC_USD, {
        indexWad: wad(95_500),
        markWad: wad(95_200),
        timestamp,
        maxStalenessSec: BTC_ORACLE.maxStalenessSec,
        source: PriceSource.KeeperCheckedByHyperCore,
        hyperCoreL1Block: L1_BLOCK,
        reporter: deployer.address,
      });
    });

    const referenceCases = [
      {
        price: "an index",
        reference: "oracle price",
        referenceWad: HYPERCORE_INDEX,
        deltaWad: INDEX_REF_DELTA,
        expectedDelta: wad(1_900),
        push: (oracle: OracleRegistry, priceWad: bigint) => pushOne(oracle, BTC_USD, priceWad, HYPERCORE_MARK),
        edge: HYPERCORE_INDEX + INDEX_REF_DELTA,
        read: (oracle: OracleRegistry) => oracle.indexPrice(BTC_USD),
        stored: wad(96_900),
      },
      {
        price: "a mark",
        reference: "mark price",
        referenceWad: HYPERCORE_MARK,
        deltaWad: MARK_REF_DELTA,
        expectedDelta: wad(1_902),
        push: (oracle: OracleRegistry, priceWad: bigint) => pushOne(oracle, BTC_USD, HYPERCORE_INDEX, priceWad),
        edge: HYPERCORE_MARK - MARK_REF_DELTA,
        read: (oracle: OracleRegistry) => oracle.markPrice(BTC_USD),
        stored: wad(93_198),
      },
    ];
    for (const c of referenceCases) {
      it(`reverts OracleReferenceDeviation for ${c.price} more than 2% from HyperCore's ${c.reference}`, async function () {
        const { oracle, registry } = await deployWithHyperCore();
        await setHyperCoreMode(registry, BTC_USD, HyperCoreMode.Reference);
        expect(c.deltaWad).to.equal(c.expectedDelta);

        for (const outside of [c.referenceWad + c.deltaWad + 1n, c.referenceWad - c.deltaWad - 1n]) {
          await expect(c.push(oracle, outside))
            .to.be.revertedWithCustomError(oracle, "OracleReferenceDeviation")
            .withArgs(BTC_USD, outside, c.referenceWad, c.deltaWad);
        }
        await c.push(oracle, c.edge);
        expect(await c.read(oracle)).to.equal(c.stored);
      });
    }
  });

  describe("OracleRegistry in Index mode", function () {
    it("stores HyperCore's oracle price as the index whatever was pushed: source HyperCoreIndex", async function () {
      const { oracle, registry, deployer } = await deployWithHyperCore();
      await setHyperCoreMode(registry, BTC_USD, HyperCoreMode.Index);
      const timestamp = await time.latest();

      // A pushed index of 0 would be out of bounds, but it is not used.
      await expect(pushOne(oracle, BTC_USD, 0n, wad(95_200), timestamp))
        .to.emit(oracle, "PricesPushed")
        .withArgs(BTC_USD, HYPERCORE_INDEX, wad(95_200), timestamp, PriceSource.HyperCoreIndex, deployer.address);
      await expectSnapshot(oracle, BTC_USD, {
        indexWad: HYPERCORE_INDEX,
        markWad: wad(95_200),
        timestamp,
        maxStalenessSec: BTC_ORACLE.maxStalenessSec,
        source: PriceSource.HyperCoreIndex,
        hyperCoreL1Block: L1_BLOCK,
        reporter: deployer.address,
      });
    });

    it("does not clamp HyperCore's index against the last index", async function () {
      const { oracle, registry } = await deployWithHyperCore();
      await pushOne(oracle, BTC_USD, wad(90_000), wad(95_000));
      await setHyperCoreMode(registry, BTC_USD, HyperCoreMode.Index);

      // 90,000 → 95,000 is a 5.6% move, beyond the 2% push clamp.
      await pushOne(oracle, BTC_USD, wad(90_000), wad(95_100));
      expect(await oracle.prices(BTC_USD)).to.deep.equal([HYPERCORE_INDEX, HYPERCORE_MARK]);
    });

    it("still checks the pushed mark against HyperCore's mark", async function () {
      const { oracle, registry } = await deployWithHyperCore();
      await setHyperCoreMode(registry, BTC_USD, HyperCoreMode.Index);
      const above = HYPERCORE_MARK + MARK_REF_DELTA + 1n;
      await expect(pushOne(oracle, BTC_USD, HYPERCORE_INDEX, above))
        .to.be.revertedWithCustomError(oracle, "OracleReferenceDeviation")
        .withArgs(BTC_USD, above, HYPERCORE_MARK, MARK_REF_DELTA);
    });

    it("still bounds HyperCore's index by the market's price bounds", async function () {
      const { oracle, registry, precompiles } = await deployWithHyperCore();
      await setHyperCoreMode(registry, BTC_USD, HyperCoreMode.Index);
      // HyperCore at 500 USD, below BTC-USD's 1,000 floor.
      await setHyperCore(precompiles, {
        perpIndex: BTC_PERP.index,
        oracleRaw: 5_000n,
        markRaw: 5_000n,
        l1Block: L1_BLOCK,
      });
      await expect(pushOne(oracle, BTC_USD, wad(95_000), wad(500)))
        .to.be.revertedWithCustomError(oracle, "OraclePriceOutOfBounds")
        .withArgs(BTC_USD, wad(500), BTC_TRADING.minPriceWad, BTC_TRADING.maxPriceWad);
    });
  });

  describe("OracleRegistry when HyperCore cannot be read", function () {
    const failures = [
      { name: "the oracle precompile reverts", precompile: ORACLE_PX_PRECOMPILE, mode: PrecompileMode.Revert },
      {
        name: "the oracle precompile burns all gas",
        precompile: ORACLE_PX_PRECOMPILE,
        mode: PrecompileMode.BurnAllGas,
      },
      { name: "the mark precompile answers 64 bytes", precompile: MARK_PX_PRECOMPILE, mode: PrecompileMode.Malformed },
      {
        name: "the L1 block precompile burns all gas",
        precompile: L1_BLOCK_NUMBER_PRECOMPILE,
        mode: PrecompileMode.BurnAllGas,
      },
    ];
    const modes = [
      { name: "Reference", mode: HyperCoreMode.Reference },
      { name: "Index", mode: HyperCoreMode.Index },
    ];

    for (const failure of failures) {
      for (const hyperCoreMode of modes) {
        it(`takes the pushed prices unchecked in ${hyperCoreMode.name} mode when ${failure.name}`, async function () {
          const f = await deployWithHyperCore();
          await setHyperCoreMode(f.registry, BTC_USD, hyperCoreMode.mode);
          const mock = await ethers.getContractAt("MockHyperCorePrecompile", failure.precompile);
          await mock.setMode(failure.mode);
          const timestamp = await time.latest();

          // 80,000 is 16% away from HyperCore's price: HyperCore is not consulted.
          const tx = pushOne(f.oracle, BTC_USD, wad(80_000), wad(80_010), timestamp);
          await expect(tx)
            .to.emit(f.oracle, "HyperCoreUnavailable")
            .withArgs(BTC_USD, readFailed(f, failure.precompile));
          await expect(tx)
            .to.emit(f.oracle, "PricesPushed")
            .withArgs(
              BTC_USD,
              wad(80_000),
              wad(80_010),
              timestamp,
              PriceSource.KeeperHyperCoreUnavailable,
              f.deployer.address,
            );
          await expectSnapshot(f.oracle, BTC_USD, {
            indexWad: wad(80_000),
            markWad: wad(80_010),
            timestamp,
            maxStalenessSec: BTC_ORACLE.maxStalenessSec,
            source: PriceSource.KeeperHyperCoreUnavailable,
            hyperCoreL1Block: 0,
            reporter: f.deployer.address,
          });
        });
      }
    }

    it("burns only the stipend when a precompile burns all gas (a 5M-gas push uses < 200k)", async function () {
      const f = await deployWithHyperCore();
      await setHyperCoreMode(f.registry, BTC_USD, HyperCoreMode.Reference);
      await f.precompiles.oracle.setMode(PrecompileMode.BurnAllGas);

      const tx = await f.oracle.pushPrices([BTC_USD], [wad(95_000)], [wad(95_100)], await time.latest(), {
        gasLimit: 5_000_000,
      });
      const receipt = await tx.wait();
      expect(receipt?.status).to.equal(1);
      expect(receipt?.gasUsed).to.be.lessThan(200_000n);
      expect((await f.oracle.snapshot(BTC_USD)).source).to.equal(PriceSource.KeeperHyperCoreUnavailable);
    });

    it("still applies the deviation clamp to unchecked prices", async function () {
      const f = await deployWithHyperCore();
      await setHyperCoreMode(f.registry, BTC_USD, HyperCoreMode.Reference);
      await pushOne(f.oracle, BTC_USD, HYPERCORE_INDEX, HYPERCORE_MARK);
      await f.precompiles.oracle.setMode(PrecompileMode.Revert);

      const maxDelta = (HYPERCORE_INDEX * BTC_ORACLE.maxPushDeviationWad) / WAD;
      await expect(pushOne(f.oracle, BTC_USD, wad(80_000), HYPERCORE_MARK))
        .to.be.revertedWithCustomError(f.oracle, "OracleDeviationExceeded")
        .withArgs(BTC_USD, HYPERCORE_INDEX, wad(80_000), maxDelta);
    });

    it("takes the pushed prices unchecked on a chain without HyperCore precompiles", async function () {
      const f = await deployKeel();
      await setHyperCoreMode(f.registry, BTC_USD, HyperCoreMode.Reference);
      await expect(pushOne(f.oracle, BTC_USD, wad(80_000), wad(80_010)))
        .to.emit(f.oracle, "HyperCoreUnavailable")
        .withArgs(BTC_USD, readFailed(f, ORACLE_PX_PRECOMPILE));
      expect((await f.oracle.snapshot(BTC_USD)).source).to.equal(PriceSource.KeeperHyperCoreUnavailable);
    });
  });

  describe("OracleRegistry.setHyperCoreSource", function () {
    it("reverts OracleHyperCoreSourceWithoutCode for an address with no code", async function () {
      const { oracle, alice } = await deployKeel();
      await expect(oracle.setHyperCoreSource(alice.address))
        .to.be.revertedWithCustomError(oracle, "OracleHyperCoreSourceWithoutCode")
        .withArgs(alice.address);
    });

    it("disables HyperCore reads with the zero address (source Keeper) and re-enables them", async function () {
      const { oracle, registry, hyperCoreSource } = await deployWithHyperCore();
      await setHyperCoreMode(registry, BTC_USD, HyperCoreMode.Reference);
      const sourceAddress = await hyperCoreSource.getAddress();

      await expect(oracle.setHyperCoreSource(ethers.ZeroAddress))
        .to.emit(oracle, "HyperCoreSourceUpdated")
        .withArgs(sourceAddress, ethers.ZeroAddress);
      expect(await oracle.hyperCoreSource()).to.equal(ethers.ZeroAddress);

      // 80,000 is far from HyperCore's 95,000, but HyperCore is not read at all.
      await expect(pushOne(oracle, BTC_USD, wad(80_000), wad(80_000))).not.to.emit(oracle, "HyperCoreUnavailable");
      const s = await oracle.snapshot(BTC_USD);
      expect(s.source).to.equal(PriceSource.Keeper);
      expect(s.hyperCoreL1Block).to.equal(0);

      await expect(oracle.setHyperCoreSource(sourceAddress))
        .to.emit(oracle, "HyperCoreSourceUpdated")
        .withArgs(ethers.ZeroAddress, sourceAddress);
      await expect(pushOne(oracle, BTC_USD, wad(80_000), wad(80_000)))
        .to.be.revertedWithCustomError(oracle, "OracleReferenceDeviation")
        .withArgs(BTC_USD, wad(80_000), HYPERCORE_MARK, MARK_REF_DELTA);
    });
  });
});
