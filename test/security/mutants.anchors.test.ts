/**
 * The mutation-testing mutants (scripts/mutation/mutants.ts) stay anchored in the current contract sources: each
 * `find` occurs exactly once in its file, so a refactor that moves or duplicates the mutated code fails here instead
 * of silently turning a mutant stale. No chain: a fast CI check.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { applyMutant, countOccurrences } from "../../scripts/mutation/apply";
import { MUTANTS } from "../../scripts/mutation/mutants";
import { testFiles } from "../../scripts/mutation/suites";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The issue asks for at least 24 hand-written mutants. */
const MIN_MUTANTS = 24;

describe("mutation-testing mutants", function () {
  it(`define at least ${MIN_MUTANTS} mutants with unique kebab-case ids`, function () {
    expect(MUTANTS.length).to.be.gte(MIN_MUTANTS);
    const ids = MUTANTS.map((m) => m.id);
    expect(new Set(ids).size, "mutant ids are unique").to.equal(ids.length);
    for (const id of ids) expect(id, "kebab-case id").to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  for (const mutant of MUTANTS) {
    describe(mutant.id, function () {
      it("mutates a contract source, and its find text occurs exactly once there", function () {
        expect(mutant.file, "a Solidity file under contracts/").to.match(/^contracts\/.+\.sol$/);
        const file = path.join(REPO_ROOT, mutant.file);
        expect(fs.existsSync(file), `${mutant.file} exists`).to.equal(true);
        const source = fs.readFileSync(file, "utf8");
        expect(countOccurrences(source, mutant.find), `occurrences of find in ${mutant.file}`).to.equal(1);
        expect(applyMutant(source, mutant)).to.not.equal(source);
      });

      it("replaces the text with something different and names its test suites", function () {
        expect(mutant.replace).to.not.equal(mutant.find);
        expect(mutant.description.trim()).to.not.equal("");
        expect(mutant.suites).to.not.be.empty;
        expect(testFiles(REPO_ROOT, mutant.suites), "the suites hold test files").to.not.be.empty;
      });
    });
  }
});
