/**
 * The one call PositionManager makes into code it does not trust is a contract account's ERC-1271
 * `isValidSignature`, while it verifies that account's order inside `settleBatch`. Every PositionManager function
 * that moves value is `nonReentrant`, so a wallet calling back from there is refused by the guard, whichever function
 * it picks and whatever roles it holds.
 *
 * The hostile wallet is compiled here (solcTestContracts.ts): it calls back into PositionManager with each stored
 * call and accepts its owner's signature only when every call-back reverted with ReentrancyGuardReentrantCall —
 * so a settled batch proves each re-entry was refused by the guard and by nothing else.
 */
import { expect } from "chai";
import type { BaseContract, ContractMethod } from "ethers";
import { deployKeel, fund, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, BTC_USD, SENATE22_R, defaultPrices, order, settle, signed, wad } from "./helpers";
import { deployTestContract } from "../solcTestContracts";

const REENTERING_WALLET_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

contract ReenteringWallet {
    error NotOwner(address caller);

    bytes4 private constant ERC1271_MAGIC = 0x1626ba7e;
    bytes4 private constant REENTRANT_CALL = 0x3ee5aeb5; // ReentrancyGuardReentrantCall()
    address private immutable _owner;
    address private immutable _target;
    bytes[] private _callbacks;

    constructor(address owner_, address target_) {
        _owner = owner_;
        _target = target_;
    }

    function setCallbacks(bytes[] calldata callbacks) external {
        delete _callbacks;
        for (uint256 i; i < callbacks.length; ++i) _callbacks.push(callbacks[i]);
    }

    function execute(address target, bytes calldata data) external {
        if (msg.sender != _owner) revert NotOwner(msg.sender);
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        for (uint256 i; i < _callbacks.length; ++i) {
            (bool ok, bytes memory ret) = _target.staticcall(_callbacks[i]);
            if (ok || ret.length != 4 || bytes4(ret) != REENTRANT_CALL) return 0xffffffff;
        }
        if (signature.length != 65) return 0xffffffff;
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        return ecrecover(hash, v, r, s) == _owner ? ERC1271_MAGIC : bytes4(0xffffffff);
    }
}
`;

type ReenteringWallet = BaseContract & {
  setCallbacks: ContractMethod<[string[]], void>;
  execute: ContractMethod<[string, string], void>;
};

interface Setup {
  f: KeelFixture;
  wallet: ReenteringWallet;
  walletAddress: string;
}

/** A ReenteringWallet owned by carol with 10,000 USDC in the vault, holding every role a guarded function checks. */
async function setup(): Promise<Setup> {
  const f = await deployKeel();
  const wallet = await deployTestContract<ReenteringWallet>("ReenteringWallet", REENTERING_WALLET_SOURCE, f.deployer, [
    f.carol.address,
    await f.pm.getAddress(),
  ]);
  const walletAddress = await wallet.getAddress();
  const vault = await f.vault.getAddress();
  const amount = usdc(10_000);
  await f.usdc.mint(walletAddress, amount);
  const asCarol = wallet.connect(f.carol) as ReenteringWallet;
  await asCarol.execute(await f.usdc.getAddress(), f.usdc.interface.encodeFunctionData("approve", [vault, amount]));
  await asCarol.execute(vault, f.vault.interface.encodeFunctionData("deposit", [amount]));
  // Roles first: without them the call-backs would stop at onlyRole, before the guard.
  for (const role of [await f.pm.MATCHER_ROLE(), await f.pm.LIQUIDATOR_ROLE(), await f.pm.ADL_ROLE()]) {
    await f.pm.connect(f.deployer).grantRole(role, walletAddress);
  }
  await fund(f, f.bob, usdc(10_000));
  await defaultPrices(f);
  return { f, wallet, walletAddress };
}

/** Calldata for each of PositionManager's twelve nonReentrant functions, with well-formed arguments. */
async function everyGuardedCall(f: KeelFixture, walletAddress: string): Promise<string[]> {
  const pm = f.pm.interface;
  const victim = f.alice.address;
  const anyOrder = order({ address: walletAddress }, "buy");
  return [
    pm.encodeFunctionData("settleBatch", [await f.pm.nextBatchId(), [], [], []]),
    pm.encodeFunctionData("liquidateOnBook", [victim, BTC_USD, [], [], []]),
    pm.encodeFunctionData("flagLiquidatable", [victim]),
    pm.encodeFunctionData("backstopLiquidate", [victim, BTC_USD]),
    pm.encodeFunctionData("autoDeleverage", [victim, BTC_USD, []]),
    pm.encodeFunctionData("finalizeResolution", [SENATE22_R]),
    pm.encodeFunctionData("freezeStaleMarket", [BTC_USD]),
    pm.encodeFunctionData("resolveAtLastMark", [SENATE22_R]),
    pm.encodeFunctionData("settlePosition", [victim, SENATE22_R]),
    pm.encodeFunctionData("claimSettlement", [victim, SENATE22_R]),
    pm.encodeFunctionData("cancelOrder", [anyOrder]),
    pm.encodeFunctionData("cancelUpTo", [walletAddress, 1_000n]),
  ];
}

/** Settles the wallet's 0.1 BTC buy (signed by carol, its owner) against bob's sell. */
async function settleWalletBuy(s: Setup): Promise<unknown> {
  const bid = await signed(s.f, s.f.carol, order({ address: s.walletAddress }, "buy", { size: wad("0.1") }));
  const ask = await signed(s.f, s.f.bob, order(s.f.bob, "sell", { size: wad("0.1") }));
  return settle(s.f, [{ maker: ask, taker: bid, size: wad("0.1"), price: BTC_PRICE }]);
}

describe("PositionManager nonReentrant against ERC-1271 call-backs", function () {
  useSolvencyInvariant();

  it("refuses a call-back into each of the twelve guarded functions with ReentrancyGuardReentrantCall", async function () {
    const s = await setup();
    const calls = await everyGuardedCall(s.f, s.walletAddress);
    expect(calls).to.have.length(12);
    await s.wallet.setCallbacks(calls);

    // The wallet signs only if all twelve call-backs hit the guard; the batch settling is the proof.
    await settleWalletBuy(s);

    expect((await s.f.pm.position(s.walletAddress, BTC_USD)).sizeWad).to.equal(wad("0.1"));
    expect((await s.f.pm.position(s.f.bob.address, BTC_USD)).sizeWad).to.equal(-wad("0.1"));
    // Nothing a call-back asked for happened.
    expect(await s.f.pm.nonceFloor(s.walletAddress)).to.equal(0n);
    expect(await s.f.pm.nextBatchId()).to.equal(2n);
  });

  it("rejects the wallet's order when a call-back is not refused by the guard (the wallet's check can fail)", async function () {
    const s = await setup();
    await s.wallet.setCallbacks([s.f.pm.interface.encodeFunctionData("nextBatchId")]);

    await expect(settleWalletBuy(s))
      .to.be.revertedWithCustomError(s.f.pm, "OrderInvalidSignature")
      .withArgs(0n, 1n, s.f.carol.address);
    expect((await s.f.pm.position(s.walletAddress, BTC_USD)).sizeWad).to.equal(0n);
  });

  it("lets the same wallet call a guarded function outside a batch (the guard, not the wallet, refused)", async function () {
    const s = await setup();

    await (s.wallet.connect(s.f.carol) as ReenteringWallet).execute(
      await s.f.pm.getAddress(),
      s.f.pm.interface.encodeFunctionData("cancelUpTo", [s.walletAddress, 1_000n]),
    );

    expect(await s.f.pm.nonceFloor(s.walletAddress)).to.equal(1_000n);
  });
});
