/** Data lookup: $KEEL_DATA_DIR, then ../shared/data, then the download cache; a miss names every place searched. */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataUnavailableError, findRepoRoot, locateDataFile } from "../../../../keepers/data";

const NAME = "deribit_history.csv";

describe("data: locateDataFile", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "keel-data-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("finds the shared data next to the repository", () => {
    const expected = path.resolve(findRepoRoot(), "..", "shared", "data", NAME);
    expect(locateDataFile(NAME, { env: {} })).to.equal(expected);
  });

  it("prefers $KEEL_DATA_DIR, and falls back to the cache last", () => {
    const own = path.join(root, "own");
    const cache = path.join(root, "cache");
    mkdirSync(own);
    mkdirSync(cache);
    writeFileSync(path.join(own, NAME), "x");
    writeFileSync(path.join(cache, NAME), "x");
    expect(locateDataFile(NAME, { env: { KEEL_DATA_DIR: own, KEEL_DATA_CACHE: cache } })).to.equal(
      path.join(own, NAME),
    );
    const repoRoot = path.join(root, "repo"); // root/shared/data does not exist
    expect(locateDataFile(NAME, { env: { KEEL_DATA_CACHE: cache }, repoRoot })).to.equal(path.join(cache, NAME));
  });

  it("throws DataUnavailableError listing every path it checked", () => {
    const env = { KEEL_DATA_DIR: path.join(root, "own"), KEEL_DATA_CACHE: path.join(root, "cache") };
    const repoRoot = path.join(root, "repo");
    const expectedPaths = [
      path.join(root, "own", NAME),
      path.join(root, "shared", "data", NAME),
      path.join(root, "cache", NAME),
    ];
    expect(() => locateDataFile(NAME, { env, repoRoot }))
      .to.throw(DataUnavailableError, `looked in "${expectedPaths[0]}"`)
      .with.property("searchedPaths")
      .that.deep.equals(expectedPaths);
  });

  it("refuses names that are not plain file names", () => {
    for (const bad of ["../secret", "a/b.csv", "..", ""]) {
      expect(() => locateDataFile(bad), bad).to.throw(RangeError, "plain file name");
    }
  });
});
