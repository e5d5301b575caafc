/**
 * Invariant 2 fails when the stored open interest disagrees with the positions. The contracts keep them equal, so the
 * chain is broken on purpose: `hardhat_setStorageAt` adds one lot to BTC-USD's stored open interest (the low 128 bits
 * of `markets[1]` in the PositionManager's ERC-7201 storage, Ledger.sol). Positions, balances and the bounded market
 * are untouched, so the other four still pass.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { AbiCoder, keccak256, toBeHex, zeroPadValue } from "ethers";
import { checkInvariants, OPEN_INTEREST_INVARIANT } from "../../../../keepers/demo/invariants";
import { BTC_USD, wad } from "../../../fixtures/keel";
import { expectVerdicts, resultOf, settledRun } from "./helpers";

/** Ledger.STATE_SLOT: keccak256(abi.encode(uint256(keccak256("keel.storage.PositionManager")) - 1)) & ~0xff. */
const STATE_SLOT =
  BigInt(
    keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ["uint256"],
        [BigInt(keccak256(ethers.toUtf8Bytes("keel.storage.PositionManager"))) - 1n],
      ),
    ),
  ) & ~0xffn;
/** `markets` is the sixth field of Ledger.State. */
const MARKETS_FIELD = 5n;
const LOW_128 = (1n << 128n) - 1n;

describe("checkInvariants: long open interest equals short open interest", function () {
  it("fails naming the market whose stored open interest drifted from its positions", async function () {
    const { f, input } = await settledRun();
    const pm = await f.pm.getAddress();
    const slot = keccak256(
      AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [BTC_USD, STATE_SLOT + MARKETS_FIELD]),
    );
    const word = BigInt(await ethers.provider.getStorage(pm, slot));
    const storedOi = (await f.pm.marketState(BTC_USD)).openInterestWad;
    expect(word & LOW_128, "the slot found is BTC-USD's market slot").to.equal(storedOi);
    const corrupted = (word & ~LOW_128) | (storedOi + wad("0.0001"));
    await network.provider.send("hardhat_setStorageAt", [pm, slot, zeroPadValue(toBeHex(corrupted), 32)]);
    expect((await f.pm.marketState(BTC_USD)).openInterestWad).to.equal(storedOi + wad("0.0001"));

    const results = await checkInvariants(input);

    expectVerdicts(results, [OPEN_INTEREST_INVARIANT]);
    expect(resultOf(results, OPEN_INTEREST_INVARIANT).detail).to.contain(
      "BTC-USD: stored open interest 0.1001 ≠ Σ long sizes 0.1",
    );
  });
});
