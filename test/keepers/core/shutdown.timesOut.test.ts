/** GracefulShutdown exits 1 when its steps take longer than the time limit, naming the step still running. */
import { expect } from "chai";
import { GracefulShutdown } from "../../../keepers/core";
import { recordingLogger } from "./helpers";

describe("GracefulShutdown: time limit", function () {
  it("exits 1 when a step hangs past timeoutMs, and skips the steps after it", async function () {
    const { logger, lines } = recordingLogger();
    const exits: number[] = [];
    const shutdown = new GracefulShutdown({ logger, timeoutMs: 50, exit: (code) => exits.push(code) });
    let closed = false;
    shutdown.add("flush batches", () => new Promise<void>(() => undefined)); // never settles
    shutdown.add("close", () => void (closed = true));
    expect(await shutdown.trigger()).to.equal(1);
    expect(exits).to.deep.equal([1]);
    expect(closed).to.equal(false);
    const timeout = lines.find((line) => line.msg === "shutdown timed out; exiting with code 1");
    expect(timeout).to.include({ step: "flush batches", timeoutMs: 50 });
  });
});
