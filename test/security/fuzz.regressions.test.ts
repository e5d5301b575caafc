/**
 * Every sequence the stateful fuzzer once failed on (test/security/fuzz/regressions.ts), replayed with all the
 * invariants of DESIGN §13 checked after every step and the exit probe at the end.
 */
import { startRpcServer, type RpcEndpoint } from "../keepers/settlement/helpers";
import { REGRESSIONS } from "./fuzz/regressions";
import { runSequence } from "./fuzz/run";

describe("Stateful fuzzing: regressions", function () {
  this.timeout(300_000);
  let rpc: RpcEndpoint;
  before(async function () {
    rpc = await startRpcServer();
  });
  after(async function () {
    await rpc.close();
  });

  for (const regression of REGRESSIONS) {
    it(`${regression.lesson} (${regression.foundBy.split(",")[0]})`, async function () {
      await runSequence(rpc, regression.actions);
    });
  }
});
