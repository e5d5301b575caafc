/**
 * The recorder sees every failing call that reaches `hre.network.provider`, however it gets there: `request`, `send`
 * and `sendAsync`; `eth_call`, `eth_estimateGas`, `eth_sendTransaction` and `eth_sendRawTransaction`; ethers contract
 * calls checked by the chai matchers; and a keeper's JSON-RPC calls over HTTP (scripts/lib/rpcServer.ts). Results and
 * errors reach the caller unchanged, and each revert is counted once at the running test.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { Wallet } from "ethers";
import { startRpcServer } from "../../scripts/lib/rpcServer";
import { deployKeel } from "../fixtures/keel";
import { RevertDecoder } from "../fixtures/revertDecoder";
import { RevertRecorder, installRevertRecorder } from "../fixtures/revertRecorder";
import { installRevertEcho, panicData, stringData, useRecorder } from "./revertRecorder.helpers";

const GAS = "0x100000";

describe("revert recorder records failing calls", function () {
  const recorder = useRecorder();
  let echo: string;
  let from: string;

  // Each test: a fixture's snapshot revert (deployKeel) may drop code set before it.
  beforeEach(async function () {
    echo = await installRevertEcho();
    [from] = (await hre.network.provider.request({ method: "eth_accounts" })) as string[];
  });

  it("an eth_call sent with request: Panic(0x11), with the error passed through unchanged", async function () {
    const data = panicData(0x11);
    const error = await hre.network.provider.request({ method: "eth_call", params: [{ from, to: echo, data }] }).then(
      () => expect.fail("the call must revert"),
      (e: unknown) => e as { data?: string; message: string },
    );
    expect(error.data).to.equal(data);
    expect(error.message).to.match(/panic code 0x11/);
    expect(recorder.current().snapshot().panics).to.deep.equal([
      {
        code: "0x11",
        reason: "arithmetic overflow or underflow outside an unchecked block",
        test: this.test!.fullTitle(),
        count: 1,
      },
    ]);
  });

  it("an eth_estimateGas sent with send: Error(string)", async function () {
    await expect(hre.network.provider.send("eth_estimateGas", [{ from, to: echo, data: stringData("no gas") }])).to.be
      .rejected;
    expect(recorder.current().snapshot().strings).to.deep.equal([
      { message: "no gas", test: this.test!.fullTitle(), count: 1 },
    ]);
  });

  it("an eth_call sent with sendAsync: empty revert data", async function () {
    const error = await new Promise<unknown>((resolve) =>
      hre.network.provider.sendAsync(
        { jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ from, to: echo, data: "0x" }] },
        (e) => resolve(e),
      ),
    );
    expect(error).to.have.property("data", "0x");
    expect(recorder.current().snapshot().empty).to.deep.equal([{ test: this.test!.fullTitle(), count: 1 }]);
  });

  it("an eth_sendTransaction that is mined and reverts, once even when its receipt is read", async function () {
    const error = (await hre.network.provider
      .request({ method: "eth_sendTransaction", params: [{ from, to: echo, data: "0xdeadbeef", gas: GAS }] })
      .then(
        () => expect.fail("the transaction must revert"),
        (e: unknown) => e,
      )) as { transactionHash: string };
    const receipt = await ethers.provider.getTransactionReceipt(error.transactionHash);
    expect(receipt?.status).to.equal(0);

    expect(recorder.current().snapshot().unknown).to.deep.equal([
      { selector: "0xdeadbeef", test: this.test!.fullTitle(), count: 1 },
    ]);
  });

  it("an eth_sendRawTransaction of a local wallet", async function () {
    const wallet = Wallet.createRandom().connect(ethers.provider);
    await hre.network.provider.send("hardhat_setBalance", [wallet.address, ethers.toQuantity(ethers.WeiPerEther)]);
    await expect(wallet.sendTransaction({ to: echo, data: stringData("raw"), gasLimit: GAS })).to.be.rejected;
    expect(recorder.current().snapshot().strings).to.deep.equal([
      { message: "raw", test: this.test!.fullTitle(), count: 1 },
    ]);
  });

  it("a Keel custom error of a contract call asserted with revertedWithCustomError", async function () {
    const f = await deployKeel();
    await expect(f.vault.connect(f.alice).deposit(0)).to.be.revertedWithCustomError(f.vault, "VaultZeroAmount");
    expect(recorder.current().snapshot().selectors["0xa3e24d66"]).to.deep.equal({
      name: "VaultZeroAmount",
      signature: "VaultZeroAmount()",
      count: 1,
      firstTest: this.test!.fullTitle(),
    });
  });

  it("a keeper's eth_call over HTTP (scripts/lib/rpcServer.ts)", async function () {
    const rpc = await startRpcServer(hre);
    try {
      await expect(rpc.provider.call({ to: echo, data: panicData(0x12) })).to.be.rejected;
    } finally {
      await rpc.close();
    }
    expect(recorder.current().snapshot().panics).to.deep.equal([
      { code: "0x12", reason: "division or modulo by zero", test: this.test!.fullTitle(), count: 1 },
    ]);
  });

  it("nothing once removed, and refuses to be removed from under a later wrapper", async function () {
    const second = new RevertRecorder(RevertDecoder.fromArtifactsDir(hre.config.paths.artifacts));
    const removeSecond = installRevertRecorder(hre.network.provider, second);
    const third = new RevertRecorder(second.decoder);
    const removeThird = installRevertRecorder(hre.network.provider, third);
    expect(removeSecond).to.throw(/another provider wrapper sits on top/);
    removeThird();
    removeSecond();

    await expect(hre.network.provider.request({ method: "eth_call", params: [{ to: echo, data: panicData(1) }] })).to.be
      .rejected;
    expect(second.snapshot().panics).to.deep.equal([]);
    expect(third.snapshot().panics).to.deep.equal([]);
    expect(recorder.current().snapshot().panics).to.have.length(1);
  });
});
