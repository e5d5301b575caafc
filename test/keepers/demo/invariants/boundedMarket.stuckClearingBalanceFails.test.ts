/**
 * Invariant 5's "nothing stuck": money in the clearing account (the PositionManager's own vault account) beyond what
 * open positions and unpaid claims account for belongs to nobody. A deposit for the clearing account puts 1 USDC
 * there: the vault still balances to the wei (invariant 1 passes, the deposit is credited), but the bounded market's
 * check reports the stuck amount.
 */
import { expect } from "chai";
import {
  BOUNDED_MARKET_INVARIANT,
  checkInvariants,
  clearingResidualWad,
  readChainSnapshot,
} from "../../../../keepers/demo/invariants";
import { usdc, wad } from "../../../fixtures/keel";
import { expectVerdicts, resultOf, settledRun } from "./helpers";

describe("checkInvariants: nothing stuck in the clearing account", function () {
  it("fails with the stuck amount after 1 USDC is deposited for the clearing account", async function () {
    const { f, input } = await settledRun();
    const before = clearingResidualWad(await readChainSnapshot(input.contracts, input.accounts, input.fromBlock));
    await f.usdc.mint(f.outsider.address, usdc(1));
    await f.usdc.connect(f.outsider).approve(await f.vault.getAddress(), usdc(1));
    await f.vault.connect(f.outsider).depositFor(await f.pm.getAddress(), usdc(1));

    const results = await checkInvariants(input);

    expectVerdicts(results, [BOUNDED_MARKET_INVARIANT]);
    expect(resultOf(results, BOUNDED_MARKET_INVARIANT).detail).to.contain(
      `the clearing account holds 1.00 USD (${wad(1) + before} wei) beyond what positions and claims account for: stuck`,
    );
  });
});
