import { expect } from "chai";
import { deployKeel, wad } from "../../fixtures/keel";
import {
  MarketKind,
  UINT128_MAX,
  WAD,
  describeBounds,
  describeSetter,
  expectDeep,
  marketOf,
  readGroup,
  setGroup,
} from "./helpers";

const MIN_IMF = wad("0.001");
const MIN_MMF = wad("0.0005");

const tier = (maxNotionalWad: bigint, imfWad: bigint, mmfWad: bigint) => ({ maxNotionalWad, imfWad, mmfWad });
/** `count` valid tiers of increasing notional (1M, 2M, … USD), same fractions. */
const ascending = (count: number) =>
  Array.from({ length: count }, (_, i) => tier(BigInt(i + 1) * wad("1000000"), wad("0.1"), wad("0.05")));

describe("MarketRegistry.setMarginTiers", function () {
  describeSetter("tiers", [
    // Three tiers replaced by one: nothing of the old list is left.
    { kind: MarketKind.Asset, changed: () => [tier(UINT128_MAX, wad("0.05"), wad("0.03"))] },
  ]);

  describeBounds("tiers", MarketKind.Asset, [
    {
      param: "tiers.length",
      type: "uint32",
      min: 1n,
      max: 8n,
      build: (count) => ascending(Number(count)),
    },
    { param: "tier.imfWad", type: "uint64", min: MIN_IMF, max: WAD, build: (imf) => [tier(UINT128_MAX, imf, MIN_MMF)] },
    {
      param: "tier.imfWad",
      note: "(third tier)",
      type: "uint64",
      min: MIN_IMF,
      max: WAD,
      build: (imf) => [tier(1n, MIN_IMF, MIN_MMF), tier(2n, MIN_IMF, MIN_MMF), tier(3n, imf, MIN_MMF)],
    },
    // Relational: mmf < imf.
    {
      param: "tier.mmfWad",
      note: "(< imf = 10%)",
      type: "uint64",
      min: MIN_MMF,
      max: wad("0.1") - 1n,
      build: (mmf) => [tier(UINT128_MAX, wad("0.1"), mmf)],
    },
    {
      param: "tier.mmfWad",
      note: "(< imf at its floor)",
      type: "uint64",
      min: MIN_MMF,
      max: MIN_IMF - 1n,
      build: (mmf) => [tier(UINT128_MAX, MIN_IMF, mmf)],
    },
  ]);

  describe("ordering", function () {
    const notAscending: [string, ReturnType<typeof tier>[], number][] = [
      [
        "an equal maxNotionalWad",
        [tier(wad("100"), wad("0.1"), wad("0.05")), tier(wad("100"), wad("0.2"), wad("0.1"))],
        1,
      ],
      [
        "a decreasing maxNotionalWad",
        [
          tier(wad("100"), wad("0.1"), wad("0.05")),
          tier(wad("200"), wad("0.1"), wad("0.05")),
          tier(wad("150"), wad("0.1"), wad("0.05")),
        ],
        2,
      ],
      [
        "a decreasing imfWad",
        [tier(wad("100"), wad("0.2"), wad("0.05")), tier(wad("200"), wad("0.2") - 1n, wad("0.05"))],
        1,
      ],
      [
        "a decreasing mmfWad",
        [
          tier(wad("100"), wad("0.1"), wad("0.05")),
          tier(wad("200"), wad("0.1"), wad("0.05")),
          tier(wad("300"), wad("0.2"), wad("0.05") - 1n),
        ],
        2,
      ],
    ];
    for (const [what, tiers, index] of notAscending) {
      it(`reverts MarketTiersNotAscending(${index}) for ${what}`, async function () {
        const { registry } = await deployKeel();
        await expect(setGroup(registry, "tiers", marketOf(MarketKind.Asset), tiers))
          .to.be.revertedWithCustomError(registry, "MarketTiersNotAscending")
          .withArgs(index);
      });
    }

    it("accepts equal fractions across tiers of increasing notional", async function () {
      const { registry } = await deployKeel();
      const tiers = ascending(3);
      await expect(setGroup(registry, "tiers", marketOf(MarketKind.Asset), tiers)).to.not.be.reverted;
      expectDeep(await readGroup(registry, "tiers", marketOf(MarketKind.Asset)), tiers);
    });
  });
});
