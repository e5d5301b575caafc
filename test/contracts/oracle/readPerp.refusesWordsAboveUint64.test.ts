/**
 * HyperCore's read precompiles answer `abi.encode(uint64)` (DESIGN §3). HyperCorePriceSource.readPerp accepts one
 * word only if it fits a uint64 and is not zero: a larger word is not a price HyperCore can send, so the read fails
 * with HyperCoreReadFailed (and the oracle falls back to the pushed prices) rather than scaling a garbage value.
 *
 * The oracle precompile's code is replaced by a 16-byte program answering the word 2^64 (or 2^64 − 1 for contrast):
 * PUSH9 value, PUSH0, MSTORE, PUSH1 32, PUSH0, RETURN.
 */
import { expect } from "chai";
import { setCode } from "@nomicfoundation/hardhat-network-helpers";
import { deployKeel } from "../../fixtures/keel";
import { BTC_PERP, ORACLE_PX_PRECOMPILE, installPrecompiles, perpRawToWad, setHyperCore } from "./helpers";

/** Runtime code returning the 32-byte word `value` (< 2^72) for any input. */
function answering(value: bigint): string {
  return `0x68${value.toString(16).padStart(18, "0")}5f5260205ff3`;
}

describe("HyperCorePriceSource.readPerp with an answer above uint64", function () {
  it("reverts HyperCoreReadFailed for the oracle price 2^64, and scales 2^64 − 1", async function () {
    const f = await deployKeel();
    const precompiles = await installPrecompiles();
    await setHyperCore(precompiles, { perpIndex: BTC_PERP.index, oracleRaw: 1n, markRaw: 950_000n, l1Block: 7n });

    await setCode(ORACLE_PX_PRECOMPILE, answering(2n ** 64n));
    await expect(f.hyperCoreSource.readPerp(BTC_PERP.index, BTC_PERP.szDecimals))
      .to.be.revertedWithCustomError(f.hyperCoreSource, "HyperCoreReadFailed")
      .withArgs(ORACLE_PX_PRECOMPILE, BTC_PERP.index);

    await setCode(ORACLE_PX_PRECOMPILE, answering(2n ** 64n - 1n));
    const [oraclePriceWad] = await f.hyperCoreSource.readPerp(BTC_PERP.index, BTC_PERP.szDecimals);
    expect(oraclePriceWad).to.equal(perpRawToWad(2n ** 64n - 1n, BTC_PERP.szDecimals));
  });
});
