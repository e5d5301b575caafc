/**
 * A transaction sent while automine is off fails only when it is mined, with no error to the sender: the recorder
 * reads its revert data by tracing it when its receipt (status 0) is read, once per transaction, and notes a
 * transaction it cannot trace as untraced rather than losing it.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import type { EthereumProvider, RequestArguments } from "hardhat/types";
import { RevertRecorder, installRevertRecorder } from "../fixtures/revertRecorder";
import { installRevertEcho, panicData, useRecorder } from "./revertRecorder.helpers";

describe("revert recorder records mined reverted transactions", function () {
  const recorder = useRecorder();

  it("traces a transaction mined with status 0 when its receipt is read, once", async function () {
    const echo = await installRevertEcho();
    const [signer] = await ethers.getSigners();
    await hre.network.provider.send("evm_setAutomine", [false]);
    try {
      const tx = await signer.sendTransaction({ to: echo, data: panicData(0x32), gasLimit: 100_000 });
      expect(recorder.current().snapshot().panics, "nothing failed before mining").to.deep.equal([]);
      await hre.network.provider.send("evm_mine", []);
      await expect(tx.wait()).to.be.rejected;
      expect((await ethers.provider.getTransactionReceipt(tx.hash))?.status).to.equal(0);
    } finally {
      await hre.network.provider.send("evm_setAutomine", [true]);
    }
    expect(recorder.current().snapshot().panics).to.deep.equal([
      { code: "0x32", reason: "array index out of bounds", test: this.test!.fullTitle(), count: 1 },
    ]);
  });

  it("notes a reverted transaction it cannot trace as untraced", async function () {
    const txHash = `0x${"ab".repeat(32)}`;
    const request = async ({ method }: RequestArguments): Promise<unknown> => {
      if (method === "eth_getTransactionReceipt") return { transactionHash: txHash, status: "0x0" };
      throw new Error(`${method} is not supported by this node`);
    };
    const node = {
      request,
      send: (method: string, params?: unknown[]) => request({ method, params }),
      sendAsync: () => expect.fail("not used"),
    } as unknown as EthereumProvider;
    const isolated = new RevertRecorder(recorder.current().decoder);
    isolated.site = { test: this.test!.fullTitle() };
    installRevertRecorder(node, isolated);

    await node.send("eth_getTransactionReceipt", [txHash]);
    await node.request({ method: "eth_getTransactionReceipt", params: [txHash] });

    expect(isolated.snapshot().untraced).to.deep.equal([
      {
        txHash,
        error: "debug_traceTransaction is not supported by this node",
        test: this.test!.fullTitle(),
        count: 1,
      },
    ]);
  });
});
