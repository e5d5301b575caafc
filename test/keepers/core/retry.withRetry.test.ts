/** withRetry retries transient RPC failures with backoff and rethrows anything else at once, unchanged. */
import { expect } from "chai";
import { makeError } from "ethers";
import { withRetry } from "../../../keepers/core";

const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
const fast = { minTimeoutMs: 1, maxTimeoutMs: 2 };

describe("withRetry", function () {
  it("retries transient failures until the call succeeds, reporting each retry", async function () {
    let calls = 0;
    const retries: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw refused();
        return "block 42";
      },
      { ...fast, onRetry: (_error, attempt) => retries.push(attempt) },
    );
    expect(result).to.equal("block 42");
    expect(calls).to.equal(3);
    expect(retries).to.deep.equal([1, 2]);
  });

  it("does not retry a revert and rethrows the original error", async function () {
    const revert = makeError("execution reverted", "CALL_EXCEPTION");
    let calls = 0;
    const error = await withRetry(async () => {
      calls++;
      throw revert;
    }, fast).catch((e: unknown) => e);
    expect(error).to.equal(revert);
    expect(calls).to.equal(1);
  });

  it("gives up after `retries` retries with the last transient error", async function () {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw refused();
      },
      { ...fast, retries: 2 },
    ).catch((e: unknown) => e);
    expect(calls).to.equal(3);
    expect((error as Error).message).to.contain("ECONNREFUSED");
  });

  it("stops when its signal is aborted", async function () {
    const controller = new AbortController();
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        controller.abort(new Error("shutting down"));
        throw refused();
      },
      { retries: 5, minTimeoutMs: 50, signal: controller.signal },
    ).catch((e: unknown) => e);
    expect((error as Error).message).to.equal("shutting down");
    expect(calls).to.equal(1);
  });
});
