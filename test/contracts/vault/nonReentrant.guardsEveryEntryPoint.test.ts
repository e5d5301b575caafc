/**
 * Every state-changing entry point of the vault a user can call is `nonReentrant`: a collateral token that calls
 * back into the vault while the vault moves its tokens is refused by the guard, whichever entry point it picks.
 *
 * The hostile token is compiled here (../solcTestContracts.ts). Once armed, its next `transfer` or `transferFrom`
 * first makes each stored call to the vault and reverts `CallbackNotRefused` unless every one reverted with
 * ReentrancyGuardReentrantCall — so a deposit or withdrawal that goes through proves each call-back hit the guard.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract, ContractMethod } from "ethers";
import type { CollateralVault } from "../../../keepers/sdk/typechain";
import { usdc, wad } from "../../fixtures/keel";
import { deployTestContract } from "../solcTestContracts";

const CALLBACK_TOKEN_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

contract CallbackToken {
    error CallbackNotRefused(uint256 index, bytes returnData);

    bytes4 private constant REENTRANT_CALL = 0x3ee5aeb5; // ReentrancyGuardReentrantCall()
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    address private _target;
    bytes[] private _callbacks;

    function decimals() external pure returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    /// The next transfer or transferFrom first calls target with each of callbacks.
    function arm(address target, bytes[] calldata callbacks) external {
        _target = target;
        delete _callbacks;
        for (uint256 i; i < callbacks.length; ++i) _callbacks.push(callbacks[i]);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _callBack();
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _callBack();
        allowance[from][msg.sender] -= amount;
        _move(from, to, amount);
        return true;
    }

    function _callBack() private {
        address target = _target;
        if (target == address(0)) return;
        _target = address(0);
        for (uint256 i; i < _callbacks.length; ++i) {
            (bool ok, bytes memory ret) = target.call(_callbacks[i]);
            if (ok || ret.length != 4 || bytes4(ret) != REENTRANT_CALL) revert CallbackNotRefused(i, ret);
        }
    }

    function _move(address from, address to, uint256 amount) private {
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
    }
}
`;

type CallbackToken = BaseContract & {
  mint: ContractMethod<[string, bigint], void>;
  approve: ContractMethod<[string, bigint], boolean>;
  arm: ContractMethod<[string, string[]], void>;
  balanceOf: ContractMethod<[string], bigint, bigint>;
};

const WITHDRAWAL_DELAY_SEC = 60;

/** A fresh CollateralVault (no margin engine) over a fresh CallbackToken; alice holds and approved 1,000 tokens. */
async function setup() {
  const [admin, alice] = await ethers.getSigners();
  const token = await deployTestContract<CallbackToken>("CallbackToken", CALLBACK_TOKEN_SOURCE, admin);
  const vault = (await ethers.deployContract("CollateralVault", [
    await token.getAddress(),
    admin.address,
    WITHDRAWAL_DELAY_SEC,
  ])) as unknown as CollateralVault;
  await token.mint(alice.address, usdc(1_000));
  await (token.connect(alice) as CallbackToken).approve(await vault.getAddress(), usdc(1_000));
  return { token, vault, alice };
}

/** Calldata for each of the vault's six user entry points, with well-formed arguments. */
function everyEntryPoint(vault: CollateralVault, account: string): string[] {
  const v = vault.interface;
  return [
    v.encodeFunctionData("deposit", [1n]),
    v.encodeFunctionData("depositFor", [account, 1n]),
    v.encodeFunctionData("depositWithPermit", [account, 1n, 0n, 27, ethers.ZeroHash, ethers.ZeroHash]),
    v.encodeFunctionData("requestWithdrawal", [1n]),
    v.encodeFunctionData("cancelWithdrawal"),
    v.encodeFunctionData("executeWithdrawal", [account]),
  ];
}

describe("CollateralVault nonReentrant on every entry point", function () {
  it("refuses a call-back into each entry point during a deposit's transferFrom", async function () {
    const { token, vault, alice } = await setup();
    const calls = everyEntryPoint(vault, alice.address);
    expect(calls).to.have.length(6);
    await token.arm(await vault.getAddress(), calls);

    await vault.connect(alice).deposit(usdc(1_000));

    expect(await vault.balanceWad(alice.address)).to.equal(wad(1_000));
    expect(await vault.totalCreditWad()).to.equal(wad(1_000));
    expect((await vault.pendingWithdrawal(alice.address)).amount).to.equal(0n);
  });

  it("refuses a call-back into each entry point during a withdrawal's transfer", async function () {
    const { token, vault, alice } = await setup();
    await vault.connect(alice).deposit(usdc(1_000));
    await vault.connect(alice).requestWithdrawal(usdc(400));
    await time.increase(WITHDRAWAL_DELAY_SEC);
    await token.arm(await vault.getAddress(), everyEntryPoint(vault, alice.address));

    await vault.executeWithdrawal(alice.address);

    expect(await token.balanceOf(alice.address)).to.equal(usdc(400));
    expect(await vault.balanceWad(alice.address)).to.equal(wad(600));
    expect((await vault.pendingWithdrawal(alice.address)).amount).to.equal(0n);
  });

  it("lets the deposit fail when a call-back is not refused by the guard (the token's check can fail)", async function () {
    const { token, vault, alice } = await setup();
    await token.arm(await vault.getAddress(), [vault.interface.encodeFunctionData("balanceWad", [alice.address])]);

    await expect(vault.connect(alice).deposit(usdc(1_000)))
      .to.be.revertedWithCustomError(token, "CallbackNotRefused")
      .withArgs(0n, ethers.zeroPadValue("0x", 32));
    expect(await vault.balanceWad(alice.address)).to.equal(0n);
  });
});
