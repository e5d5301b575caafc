/** getLogsChunked retries a chunk whose request failed for a transient reason, and stops on any other failure. */
import { expect } from "chai";
import type { Filter, Log } from "ethers";
import { getLogsChunked } from "../../../keepers/core";

const fast = { minTimeoutMs: 1, maxTimeoutMs: 2 };

describe("getLogsChunked: failures", function () {
  it("retries a chunk after a rate limit and still returns every chunk's logs", async function () {
    const requests: number[] = [];
    let limited = false;
    const provider = {
      getLogs: async (filter: Filter): Promise<Log[]> => {
        const from = Number(filter.fromBlock);
        requests.push(from);
        if (from === 50 && !limited) {
          limited = true;
          throw Object.assign(new Error("rate limit exceeded"), { code: -32005 });
        }
        return [{ blockNumber: from } as Log];
      },
    };
    const logs = await getLogsChunked(provider, {}, 0, 149, { retry: fast });
    expect(requests).to.deep.equal([0, 50, 50, 100]);
    expect(logs.map((log) => log.blockNumber)).to.deep.equal([0, 50, 100]);
  });

  it("does not retry a request the node rejects", async function () {
    let calls = 0;
    const rejected = new Error("invalid params: query exceeds max block range");
    const provider = {
      getLogs: async (): Promise<Log[]> => {
        calls++;
        throw rejected;
      },
    };
    expect(await getLogsChunked(provider, {}, 0, 10, { retry: fast }).catch((e: unknown) => e)).to.equal(rejected);
    expect(calls).to.equal(1);
  });
});
