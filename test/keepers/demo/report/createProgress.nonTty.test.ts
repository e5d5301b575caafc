/**
 * Without a TTY (CI, pipes) the progress prints a plain line each time another 10% is reached, and a last line on
 * stop() when the run stopped between two.
 */
import { expect } from "chai";
import { Writable } from "node:stream";

import { createProgress } from "../../../../keepers/demo/report";

/** A writable stream that is not a TTY and keeps what it was given. */
function captureStream(): { stream: Writable; lines: () => string[] } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, lines: () => text.split("\n").filter((l) => l !== "") };
}

describe("demo report: createProgress without a TTY", function () {
  it("prints one line per 10% step", function () {
    const { stream, lines } = captureStream();
    const progress = createProgress(100, "replay", stream);
    for (let i = 0; i < 100; i++) progress.tick();
    progress.stop();
    expect(lines()).to.deep.equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => `replay: ${p}% (${p}/100)`));
  });

  it("prints one line for a tick that crosses several steps, with the info given", function () {
    const { stream, lines } = captureStream();
    const progress = createProgress(1000, "replay", stream);
    progress.tick(5, { fills: 1 });
    expect(lines()).to.deep.equal([]);
    progress.tick(350, { fills: 12, mark: "61,250" });
    expect(lines()).to.deep.equal(["replay: 35% (355/1000) fills=12 mark=61,250"]);
  });

  it("prints the last state on stop() between two steps, then nothing more", function () {
    const { stream, lines } = captureStream();
    const progress = createProgress(10, "replay", stream);
    progress.tick(3);
    progress.tick(0.5);
    progress.stop();
    progress.tick(6);
    progress.stop();
    expect(lines()).to.deep.equal(["replay: 30% (3/10)", "replay: 35% (3.5/10)"]);
  });

  it("clamps at the total", function () {
    const { stream, lines } = captureStream();
    const progress = createProgress(4, "replay", stream);
    progress.tick(9);
    progress.stop();
    expect(lines()).to.deep.equal(["replay: 100% (4/4)"]);
  });

  it("throws RangeError for a total or a step that makes no sense", function () {
    const { stream } = captureStream();
    expect(() => createProgress(0, "replay", stream)).to.throw(RangeError);
    expect(() => createProgress(Number.NaN, "replay", stream)).to.throw(RangeError);
    expect(() => createProgress(10, "replay", stream).tick(-1)).to.throw(RangeError);
  });
});
