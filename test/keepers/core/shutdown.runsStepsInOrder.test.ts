/**
 * GracefulShutdown: on a signal (or trigger) it aborts its signal, runs every step in registration order even when
 * one throws, logs each failure, and exits 0 only when every step succeeded; it runs once however often triggered.
 */
import { expect } from "chai";
import { GracefulShutdown, ShutdownRequested } from "../../../keepers/core";
import { recordingLogger, until } from "./helpers";

describe("GracefulShutdown: steps", function () {
  it("runs the steps in order after aborting the signal, and exits 0", async function () {
    const exits: number[] = [];
    const shutdown = new GracefulShutdown({ logger: recordingLogger().logger, exit: (code) => exits.push(code) });
    const order: string[] = [];
    shutdown.signal.addEventListener("abort", () => order.push("signal aborted"));
    shutdown.add("stop intake", () => void order.push("stop intake"));
    shutdown.add("flush batches", async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push("flush batches");
    });
    shutdown.add("close", () => void order.push("close"));
    expect(await shutdown.trigger()).to.equal(0);
    expect(order).to.deep.equal(["signal aborted", "stop intake", "flush batches", "close"]);
    expect(shutdown.signal.reason).to.be.instanceOf(ShutdownRequested);
    expect(exits).to.deep.equal([0]);
  });

  it("runs every step even when one throws, logs the failure and exits 1", async function () {
    const { logger, lines } = recordingLogger();
    const exits: number[] = [];
    const shutdown = new GracefulShutdown({ logger, exit: (code) => exits.push(code) });
    const ran: string[] = [];
    shutdown
      .add("stop intake", () => void ran.push("stop intake"))
      .add("flush batches", () => {
        ran.push("flush batches");
        throw new Error("journal is read-only");
      })
      .add("close", () => void ran.push("close"));
    expect(await shutdown.trigger()).to.equal(1);
    expect(ran).to.deep.equal(["stop intake", "flush batches", "close"]);
    const failure = lines.find((line) => line.msg === "shutdown step failed; continuing with the next step");
    expect(failure?.step).to.equal("flush batches");
    expect((failure?.err as { message: string }).message).to.equal("journal is read-only");
    expect(exits).to.deep.equal([1]);
  });

  it("starts on SIGTERM once, however many times it is triggered", async function () {
    const exits: number[] = [];
    const shutdown = new GracefulShutdown({ logger: recordingLogger().logger, exit: (code) => exits.push(code) });
    let runs = 0;
    shutdown.add("count", () => void runs++);
    shutdown.install().install();
    try {
      process.emit("SIGTERM", "SIGTERM");
      await until("the shutdown exits", () => exits.length > 0);
      await shutdown.trigger();
      expect(runs).to.equal(1);
      expect(exits).to.deep.equal([0]);
      expect(shutdown.stopping).to.equal(true);
    } finally {
      shutdown.uninstall();
    }
  });
});
