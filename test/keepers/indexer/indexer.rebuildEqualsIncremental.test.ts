/**
 * The indexer's two ways to know the chain agree: an indexer that rebuilds from scratch holds exactly the state the
 * matcher's indexer reached by following the chain block by block (poll) through deposits, agent approvals and a
 * revocation, a raised nonce floor, fills in both markets settled by the pipeline, funding in both markets, fills after
 * funding and a withdrawal request: same balances, pending withdrawals, positions (funding index included), agents,
 * nonce floors, and market open interest, marks and funding. And both equal what the contracts' views say.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { BTC_USD, SENATE22_R, fund, usdc, wad } from "../../fixtures/keel";
import { defaultPrices } from "../../contracts/trading/helpers";
import { traders } from "../e2e/helpers";
import { chainNow, orderFor, place, useExchange } from "../intake/helpers";
import { expectChunked, expectSameState, indexerOf, recordingProvider, type LogRange } from "./helpers";

describe("indexer: rebuild() from scratch equals the state followed through poll()", function () {
  const ctx = useExchange(3);

  it("after deposits, agents, a nonce floor, fills, funding and a withdrawal request", async function () {
    const { ex } = ctx;
    const { f } = ex;
    const [alice, bob, carol] = ctx.traders as HardhatEthersSigner[];
    const [agent1, agent2] = await traders(2, 14);
    const event = { marketId: SENATE22_R, size: wad("100"), price: wad("0.4") };

    await fund(f, carol, usdc(5_000));
    await f.pm.connect(alice).approveAgent(await agent1.getAddress(), (await chainNow()) + 7200n);
    await f.pm.connect(alice).approveAgent(await agent2.getAddress(), (await chainNow()) + 7200n);
    await f.pm.connect(alice).revokeAgent(await agent2.getAddress());
    await f.pm.connect(bob).cancelUpTo(bob.address, 100n);

    await place(ex, bob, await orderFor(bob, "sell", { size: wad("1"), nonce: 200n }));
    await place(ex, alice, await orderFor(alice, "buy", { size: wad("1") }));
    await place(ex, alice, await orderFor(alice, "sell", event));
    await place(ex, carol, await orderFor(carol, "buy", event));
    await ex.settle();
    // More than 50 empty blocks: the indexer's next poll reads them in several requests.
    await network.provider.send("hardhat_mine", [ethers.toQuantity(60)]);

    await time.increase(3600);
    await defaultPrices(f);
    await f.pm.connect(f.deployer).applyFunding(BTC_USD, wad("2"));
    await f.pm.connect(f.deployer).applyFunding(SENATE22_R, wad("0.001"));

    await place(ex, bob, await orderFor(bob, "buy", { size: wad("0.4"), nonce: 201n }));
    await place(ex, alice, await orderFor(alice, "sell", { size: wad("0.4") }));
    await ex.settle();
    await f.vault.connect(carol).requestWithdrawal(usdc(1_000));

    const followed = ex.matcher.indexer;
    await followed.poll();
    const ranges: LogRange[] = [];
    const rebuilt = indexerOf(f, recordingProvider(ranges));
    await rebuilt.rebuild();

    expectSameState(rebuilt, followed);
    expectChunked(ranges, 0, rebuilt.lastProcessedBlock);
    expect(ranges.length).to.be.greaterThan(2);

    // Both equal the chain's views, and the state is not trivial.
    for (const signer of [alice, bob, carol]) {
      const account = followed.accountOf(signer.address);
      expect(account.balanceWad, "balance").to.equal(await f.vault.balanceWad(signer.address));
      for (const marketId of [BTC_USD, SENATE22_R]) {
        const chain = await f.pm.position(signer.address, marketId);
        const indexed = account.positions.get(marketId);
        expect(indexed?.sizeWad ?? 0n, `size in ${marketId}`).to.equal(chain.sizeWad);
        expect(indexed?.openNotionalWad ?? 0n).to.equal(chain.openNotionalWad);
        expect(indexed?.lastCumulativeFundingWad ?? 0n).to.equal(chain.lastCumulativeFundingWad);
      }
    }
    expect(followed.accountOf(alice.address).positions.get(BTC_USD)?.sizeWad).to.equal(wad("0.6"));
    expect(followed.accountOf(alice.address).positions.get(BTC_USD)?.lastCumulativeFundingWad).to.equal(wad("2"));
    expect([...followed.accountOf(alice.address).agents.keys()]).to.deep.equal([await agent1.getAddress()]);
    expect(followed.accountOf(bob.address).nonceFloor).to.equal(100n);
    expect(followed.accountOf(carol.address).pendingWithdrawalWad).to.equal(wad("1000"));
    for (const marketId of [BTC_USD, SENATE22_R]) {
      const state = await f.pm.marketState(marketId);
      const market = followed.markets.get(marketId)!;
      expect(market.openInterestWad, `OI of ${marketId}`).to.equal(state.openInterestWad).and.to.be.greaterThan(0n);
      expect(market.cumulativeFundingWad).to.equal(state.cumulativeFundingWad).and.not.equal(0n);
      expect(market.markWad).to.equal((await f.oracle.snapshot(marketId)).markWad);
    }
    expect(followed.nextBatchId).to.equal(await f.pm.nextBatchId());
  });
});
