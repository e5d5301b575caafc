/**
 * Invariant 5 fails while a position of the bounded market is left unsettled: carol and bob (the losers) are settled
 * at the final price 0, dave's short is not, so SENATE22-R stays Resolved and dave's gain is not even a claim yet.
 * Invariant 2 still passes — open shorts (1,500) = open longs (0) + the sizes settled so far (1,500), the contract's
 * own rule while a market is Resolved — and so do the other three.
 */
import { expect } from "chai";
import {
  BOUNDED_MARKET_INVARIANT,
  OPEN_INTEREST_INVARIANT,
  checkInvariants,
} from "../../../../keepers/demo/invariants";
import { SENATE22_R } from "../../../fixtures/keel";
import { expectVerdicts, resolvedRun, resultOf } from "./helpers";

describe("checkInvariants: the bounded market settled with nothing stuck", function () {
  it("fails naming the status and the position left open", async function () {
    const { f, dave, input } = await resolvedRun();
    for (const account of [f.carol.address, f.bob.address]) {
      await f.pm.connect(f.outsider).settlePosition(account, SENATE22_R);
    }

    const results = await checkInvariants(input);

    expectVerdicts(results, [BOUNDED_MARKET_INVARIANT]);
    const detail = resultOf(results, BOUNDED_MARKET_INVARIANT).detail;
    expect(detail).to.contain("SENATE22-R is Resolved, not Settled");
    expect(detail).to.contain(`${dave.address.slice(0, 6)}…${dave.address.slice(-4)} still holds -1500`);
    expect(resultOf(results, OPEN_INTEREST_INVARIANT).detail).to.contain(
      "SENATE22-R: long 0, short 1500, stored 0 (Resolved, 1500 settled so far)",
    );
  });

  it("fails naming the unpaid claim when every position is settled but a winner has not claimed", async function () {
    const { f, dave, input } = await resolvedRun();
    for (const account of [f.carol.address, f.bob.address, dave.address]) {
      await f.pm.connect(f.outsider).settlePosition(account, SENATE22_R);
    }
    const claimWad = await f.pm.settlementClaim(dave.address, SENATE22_R);

    const results = await checkInvariants(input);

    expectVerdicts(results, [BOUNDED_MARKET_INVARIANT]);
    expect(resultOf(results, BOUNDED_MARKET_INVARIANT).detail).to.contain(
      `${dave.address.slice(0, 6)}…${dave.address.slice(-4)} has an unpaid claim of ${usdText(claimWad)}`,
    );
  });
});

/** A whole-cent wad as the details show it ("601.50 USD"). */
function usdText(wad: bigint): string {
  const cents = wad / 10n ** 16n;
  return `${(cents / 100n).toLocaleString("en-US")}.${(cents % 100n).toString().padStart(2, "0")} USD`;
}
