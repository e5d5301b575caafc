/** createLogger writes JSON lines with bigints as decimal strings (exact), errors serialised, and keys redacted. */
import { expect } from "chai";
import { createLogger } from "../../../keepers/core";

function capture(): { lines: Record<string, unknown>[]; stream: { write(line: string): void } } {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: { write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

describe("createLogger", function () {
  it("logs bigints (nested, in child bindings and in errors) as exact decimal strings", function () {
    const { lines, stream } = capture();
    const log = createLogger("settlement", "info", stream);
    const sizeWad = 123_456_789_012_345_678_901n;
    log.child({ marketId: 1n }).info({ sizeWad, fill: { priceWad: [60_000n * 10n ** 18n] } }, "fill settled");
    log.error(
      Object.assign(new Error("batch reverted", { cause: new Error("FillPriceOutsideBand") }), { batchId: 7n }),
    );
    expect(lines[0]).to.deep.include({
      keeper: "settlement",
      marketId: "1",
      sizeWad: "123456789012345678901",
      fill: { priceWad: ["60000000000000000000000"] },
      msg: "fill settled",
    });
    const err = lines[1].err as Record<string, unknown>;
    expect(err).to.include({ type: "Error", message: "batch reverted", batchId: "7" });
    expect((err.cause as Record<string, unknown>).message).to.equal("FillPriceOutsideBand");
  });

  it("redacts private keys and respects the level", function () {
    const { lines, stream } = capture();
    const log = createLogger("oracle", "warn", stream);
    log.info("hidden by level");
    log.warn({ config: { privateKey: `0x${"11".repeat(32)}`, rpcUrl: "http://127.0.0.1:8545" } }, "starting");
    expect(lines).to.have.length(1);
    expect(lines[0].config).to.deep.equal({ privateKey: "[redacted]", rpcUrl: "http://127.0.0.1:8545" });
  });
});
