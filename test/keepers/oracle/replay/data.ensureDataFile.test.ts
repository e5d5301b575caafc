/** ensureDataFile: downloads a missing file into the cache, checks its sha256, and says plainly what went wrong. */
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DATA_MANIFEST,
  DataIntegrityError,
  DataUnavailableError,
  ensureDataFile,
  locateDataFile,
  sha256Hex,
} from "../../../../keepers/data";

const NAME = "BTCUSD_PERP-1m-2025-10-10.zip";

describe("data: manifest and ensureDataFile", () => {
  let root: string;
  let options: { env: NodeJS.ProcessEnv; repoRoot: string };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "keel-data-"));
    // A repository whose ../shared/data does not exist, and an empty cache: the file must be downloaded.
    options = { env: { KEEL_DATA_CACHE: path.join(root, "cache") }, repoRoot: path.join(root, "repo") };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("lists every shared data file with its size, sha256 and raw GitHub URL", () => {
    for (const entry of Object.values(DATA_MANIFEST)) {
      const bytes = readFileSync(locateDataFile(entry.name));
      expect(bytes.length, entry.name).to.equal(entry.bytes);
      expect(sha256Hex(bytes), entry.name).to.equal(entry.sha256);
      expect(entry.url).to.equal(`https://raw.githubusercontent.com/${entry.repo}/${entry.commit}/${entry.path}`);
      expect(entry.commit).to.match(/^[0-9a-f]{40}$/);
    }
    expect(Object.keys(DATA_MANIFEST)).to.have.length(6);
  });

  it("downloads a missing file into the cache once, after checking its sha256", async () => {
    const published = readFileSync(locateDataFile(NAME));
    const requested: string[] = [];
    const fakeFetch = async (url: string | URL | Request): Promise<Response> => {
      requested.push(String(url));
      return new Response(published);
    };
    const first = await ensureDataFile(NAME, { ...options, fetch: fakeFetch as typeof fetch });
    expect(first).to.equal(path.join(root, "cache", NAME));
    expect(readFileSync(first).equals(published)).to.equal(true);
    expect(requested).to.deep.equal([DATA_MANIFEST[NAME].url]);
    expect(await ensureDataFile(NAME, { ...options, fetch: fakeFetch as typeof fetch })).to.equal(first);
    expect(requested).to.have.length(1);
  });

  it("refuses a download whose bytes differ from the manifest, writing nothing", async () => {
    const fakeFetch = async (): Promise<Response> => new Response("not the file");
    const failure = ensureDataFile(NAME, { ...options, fetch: fakeFetch as typeof fetch });
    await expectRejection(failure, DataIntegrityError, `expected ${DATA_MANIFEST[NAME].sha256}`);
    expect(existsSync(path.join(root, "cache")) ? readdirSync(path.join(root, "cache")) : []).to.deep.equal([]);
  });

  it("names the paths searched and the URL when the download fails", async () => {
    const offline = async (): Promise<Response> => {
      throw new TypeError("fetch failed");
    };
    await expectRejection(
      ensureDataFile(NAME, { ...options, fetch: offline as typeof fetch }),
      DataUnavailableError,
      `downloading ${DATA_MANIFEST[NAME].url} failed: fetch failed`,
    );
    const missing = async (): Promise<Response> => new Response("", { status: 404 });
    await expectRejection(
      ensureDataFile(NAME, { ...options, fetch: missing as typeof fetch }),
      DataUnavailableError,
      "HTTP 404",
    );
    await expectRejection(ensureDataFile("unknown.csv", options), DataUnavailableError, "not in the data manifest");
  });
});

async function expectRejection(promise: Promise<unknown>, type: new (...args: never[]) => Error, text: string) {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).to.be.instanceOf(type);
  expect((caught as Error).message).to.include(text);
}
