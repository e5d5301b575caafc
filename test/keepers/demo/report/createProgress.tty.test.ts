/** On a TTY the progress is a cli-progress bar showing the label, the bar, the count and the info. */
import { expect } from "chai";
import { Writable } from "node:stream";

import { createProgress } from "../../../../keepers/demo/report";

describe("demo report: createProgress on a TTY", function () {
  it("draws a bar with label, count and info, and stops", function () {
    let text = "";
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          text += chunk.toString();
          callback();
        },
      }),
      { isTTY: true, columns: 120 },
    );
    const progress = createProgress(200, "replay", stream);
    progress.tick(50, { fills: 7 });
    progress.stop();
    // eslint-disable-next-line no-control-regex -- strips the bar's ANSI cursor codes
    const plain = text.replace(/\x1B\[[0-9;?]*[A-Za-z]/g, "");
    expect(plain).to.contain("replay [");
    expect(plain).to.match(/25% \| 50\/200 \| fills=7/);
    expect(plain).to.not.contain("{label}");
  });
});
