/**
 * Shared helpers of the MarketRegistry tests: fresh copies of the deploy's market configs, the lifecycle enum, a deep
 * comparison of ABI results, event assertions, and the table-driven tests every parameter setter runs (storage, events,
 * unknown ids, configurable statuses, and each hard bound at both sides).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { Result, type BaseContract, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { MarketRegistry } from "../../../keepers/sdk/typechain";
import {
  HyperCoreMode,
  MarketKind,
  MarketStatus,
  btcUsd,
  eventMarket,
  type MarketConfig,
} from "../../../deploy/params";
import { BTC_USD, SENATE22_R, deployKeel } from "../../fixtures/keel";

export { HyperCoreMode, MarketKind, MarketStatus };
export type { MarketConfig };

export const WAD = 10n ** 18n;
export const UINT128_MAX = (1n << 128n) - 1n;
/** An id no test ever lists. */
export const UNKNOWN_ID = 99;

/** A parameter group of `MarketConfig`, as replaced by one setter. */
export type Group = keyof MarketConfig;

interface GroupAbi {
  setter: string;
  getter: string;
  event: string;
}

/** The setter, getter and event of every group, in the order `listMarket` sets them. */
export const GROUPS: Record<Group, GroupAbi> = {
  trading: { setter: "setTradingParams", getter: "tradingParams", event: "TradingParamsUpdated" },
  fees: { setter: "setFeeParams", getter: "feeParams", event: "FeeParamsUpdated" },
  margin: { setter: "setMarginParams", getter: "marginParams", event: "MarginParamsUpdated" },
  tiers: { setter: "setMarginTiers", getter: "marginTiers", event: "MarginTiersUpdated" },
  funding: { setter: "setFundingParams", getter: "fundingParams", event: "FundingParamsUpdated" },
  liquidation: { setter: "setLiquidationParams", getter: "liquidationParams", event: "LiquidationParamsUpdated" },
  oracle: { setter: "setOracleParams", getter: "oracleParams", event: "OracleParamsUpdated" },
  lifecycle: { setter: "setLifecycleParams", getter: "lifecycleParams", event: "LifecycleParamsUpdated" },
};
export const GROUP_NAMES = Object.keys(GROUPS) as Group[];

/** A deep copy of the config the local deploy lists for `kind` (BTC-USD without HyperCore, or SENATE22-R). */
export function baseConfig(kind: MarketKind): MarketConfig {
  return structuredClone(kind === MarketKind.Asset ? btcUsd(HyperCoreMode.None) : eventMarket());
}

/** A deep copy of one group of `baseConfig(kind)`. */
export function baseGroup<G extends Group>(group: G, kind: MarketKind): MarketConfig[G] {
  return baseConfig(kind)[group];
}

/** The market the local deploy listed (and activated) for `kind`. */
export const marketOf = (kind: MarketKind): number => (kind === MarketKind.Asset ? BTC_USD : SENATE22_R);

/** Calls the setter of `group`. */
export function setGroup(
  registry: MarketRegistry,
  group: Group,
  marketId: number,
  params: unknown,
  signer?: HardhatEthersSigner,
): Promise<ContractTransactionResponse> {
  const contract = (signer ? registry.connect(signer) : registry) as BaseContract;
  return contract.getFunction(GROUPS[group].setter)(marketId, params) as Promise<ContractTransactionResponse>;
}

/** Reads `group` of `marketId` through its getter. */
export function readGroup(registry: MarketRegistry, group: Group, marketId: number): Promise<unknown> {
  return (registry as BaseContract).getFunction(GROUPS[group].getter)(marketId) as Promise<unknown>;
}

/** Lists `symbol` in Draft with the base config of `kind` and returns its id. */
export async function listDraft(
  registry: MarketRegistry,
  kind = MarketKind.Asset,
  symbol = "DRAFT-1",
): Promise<number> {
  await (await registry.listMarket(symbol, kind, baseConfig(kind))).wait();
  return Number(await registry.marketIdBySymbol(symbol));
}

/** A plain copy of a value given to the contract: every number becomes a bigint, as ethers decodes integers. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v: unknown) => plain(v));
  if (typeof value === "number") return BigInt(value);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, plain(v)]));
  }
  return value;
}

/**
 * `actual` (decoded by ethers) reshaped like `like`: a struct `Result` becomes an object with the fields of `like`,
 * an array stays an array. A struct whose field count differs from `like` is left as is, so the comparison fails.
 */
function shapedLike(actual: unknown, like: unknown): unknown {
  if (Array.isArray(like) && Array.isArray(actual))
    return Array.from(actual, (v: unknown, i) => shapedLike(v, like[i]));
  if (actual instanceof Result && like !== null && typeof like === "object") {
    const keys = Object.keys(like);
    if (actual.length !== keys.length) return actual;
    return Object.fromEntries(keys.map((key) => [key, shapedLike(actual.getValue(key), (like as never)[key])]));
  }
  return actual;
}

/** Asserts a decoded ABI value deeply equals the value it should have been encoded from, field by field. */
export function expectDeep(actual: unknown, expected: unknown, message?: string): void {
  const want = plain(expected);
  expect(shapedLike(actual, want), message).to.deep.equal(want);
}

/** `value` with every number zeroed and every array emptied: what an unset storage group reads as. */
export function zeroed(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (typeof value === "number" || typeof value === "bigint") return 0n;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, zeroed(v)]));
  }
  return value;
}

/** The events `registry` emitted in the transaction, parsed, in log order. */
export async function parsedEvents(
  registry: MarketRegistry,
  tx: Promise<ContractTransactionResponse>,
): Promise<{ name: string; args: Result }[]> {
  const receipt = await (await tx).wait();
  const address = await registry.getAddress();
  return receipt!.logs
    .filter((log) => log.address === address)
    .map((log) => registry.interface.parseLog(log)!)
    .map(({ name, args }) => ({ name, args }));
}

/** Asserts `tx` emitted `name` exactly once, with arguments deeply equal to `args` (structs field by field). */
export async function expectEvent(
  registry: MarketRegistry,
  tx: Promise<ContractTransactionResponse>,
  name: string,
  args: unknown[],
): Promise<void> {
  await expect(tx).to.emit(registry, name);
  const found = (await parsedEvents(registry, tx)).filter((e) => e.name === name);
  expect(found, `one ${name} event`).to.have.length(1);
  expectDeep(Array.from(found[0].args), args, `${name} arguments`);
}

/** Asserts `tx` reverts `MarketParamOutOfBounds(param, value, min, max)`. */
export async function expectOutOfBounds(
  registry: MarketRegistry,
  tx: Promise<unknown>,
  param: string,
  value: bigint,
  min: bigint,
  max: bigint,
): Promise<void> {
  await expect(tx).to.be.revertedWithCustomError(registry, "MarketParamOutOfBounds").withArgs(param, value, min, max);
}

/** Block time of the block that mined `tx`. */
export async function minedAt(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return BigInt((await ethers.provider.getBlock(receipt!.blockNumber))!.timestamp);
}

/* SETTER TESTS */

/** A valid update of a group on the deployed market of `kind`, different from its base config. */
export interface SetterCase<G extends Group> {
  kind: MarketKind;
  changed: () => MarketConfig[G];
}

/**
 * The tests every setter shares: it stores the new group and emits the old and new one (leaving the other groups
 * alone), it reverts `MarketNotFound` for an unknown id, and it works in Draft, Active and Resolving.
 *
 * Resolved and Settled (`MarketNotConfigurable`) are not reachable yet: no function moves a market past Resolving.
 */
export function describeSetter<G extends Group>(group: G, cases: SetterCase<G>[]): void {
  const { event } = GROUPS[group];
  for (const { kind, changed } of cases) {
    const kindName = MarketKind[kind];

    it(`stores the new values and emits ${event} with the old and new ones (${kindName})`, async function () {
      const { registry } = await deployKeel();
      const marketId = marketOf(kind);
      const base = baseGroup(group, kind);
      const next = changed();
      expect(plain(next), "the update changes something").to.not.deep.equal(plain(base));

      await expectEvent(registry, setGroup(registry, group, marketId, next), event, [marketId, base, next]);
      expectDeep(await readGroup(registry, group, marketId), next);
      for (const other of GROUP_NAMES.filter((g) => g !== group)) {
        expectDeep(await readGroup(registry, other, marketId), baseGroup(other, kind), `${other} untouched`);
      }

      // A second update reports the first one as its old value.
      await expectEvent(registry, setGroup(registry, group, marketId, base), event, [marketId, next, base]);
      expectDeep(await readGroup(registry, group, marketId), base);
    });

    it(`is configurable in Draft, Active and Resolving (${kindName})`, async function () {
      const { registry } = await deployKeel();
      const draft = await listDraft(registry, kind);
      const active = marketOf(kind);
      const resolving = await listDraft(registry, kind, "RESOLVING-1");
      await registry.activateMarket(resolving);
      await registry.beginResolving(resolving);
      const statuses = [
        [draft, MarketStatus.Draft],
        [active, MarketStatus.Active],
        [resolving, MarketStatus.Resolving],
      ] as const;
      for (const [marketId, status] of statuses) {
        expect(await registry.marketStatus(marketId)).to.equal(status);
        await expect(setGroup(registry, group, marketId, changed()), MarketStatus[status]).to.not.be.reverted;
        expectDeep(await readGroup(registry, group, marketId), changed(), MarketStatus[status]);
      }
    });
  }

  it("reverts MarketNotFound for an unknown id", async function () {
    const { registry } = await deployKeel();
    const params = baseGroup(group, MarketKind.Asset);
    for (const marketId of [0, UNKNOWN_ID]) {
      await expect(setGroup(registry, group, marketId, params))
        .to.be.revertedWithCustomError(registry, "MarketNotFound")
        .withArgs(marketId);
    }
  });
}

/** Solidity types of bounded fields: a bound at the edge of its type has no value just outside it. */
const TYPE_RANGE = {
  uint8: [0n, (1n << 8n) - 1n],
  uint32: [0n, (1n << 32n) - 1n],
  uint64: [0n, (1n << 64n) - 1n],
  uint128: [0n, UINT128_MAX],
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  /** An enum: ethers encodes any uint8, but the contract's ABI decoder only accepts declared members. */
  HyperCoreMode: [0n, BigInt(HyperCoreMode.Index)],
} as const;
export type SolType = keyof typeof TYPE_RANGE;

/** One bounded parameter: its accepted range [min, max], given the other fields of the built group. */
export interface BoundRow<P> {
  /** Name the contract reports in `MarketParamOutOfBounds`. */
  param: string;
  type: SolType;
  min: bigint;
  max: bigint;
  /** The field set to the tested value in the base group... */
  field?: keyof P & string;
  /** ...with these other fields changed so that both bounds are reachable. */
  with?: Partial<Record<keyof P, bigint | number>>;
  /** Or: builds the whole group around the tested value (instead of `field`). */
  build?: (value: bigint) => P;
  /** Distinguishes rows of the same param in test titles. */
  note?: string;
  /** [min, max] reported for `min − 1` / `max + 1` when an earlier, wider check rejects it (default [min, max]). */
  reportedBelow?: readonly [bigint, bigint];
  reportedAbove?: readonly [bigint, bigint];
}

/** A short rendering of a value for test titles: 1e24, 1e14 − 1, uint128 max. */
function fmt(value: bigint): string {
  const round = (v: bigint): string | undefined => {
    if (v === UINT128_MAX) return "uint128 max";
    const digits = (v < 0n ? -v : v).toString();
    const zeros = digits.length - digits.replace(/0+$/, "").length;
    return zeros >= 6 ? `${v / 10n ** BigInt(zeros)}e${zeros}` : undefined;
  };
  if (round(value)) return round(value)!;
  if (round(value - 1n)) return `${round(value - 1n)} + 1`;
  if (round(value + 1n)) return `${round(value + 1n)} − 1`;
  return value.toString();
}

/**
 * One test per row on the deployed market of `kind`: `min` and `max` are accepted (and stored), `min − 1` and
 * `max + 1` revert `MarketParamOutOfBounds(param, value, min, max)` where the field's type can hold them.
 */
export function describeBounds<G extends Group>(group: G, kind: MarketKind, rows: BoundRow<MarketConfig[G]>[]): void {
  describe(`hard bounds (${MarketKind[kind]})`, function () {
    for (const row of rows) {
      const [typeMin, typeMax] = TYPE_RANGE[row.type];
      const below = row.min > typeMin;
      const above = row.max < typeMax;
      const title =
        `${row.param}${row.note ? ` ${row.note}` : ""}: accepts ${fmt(row.min)}` +
        (row.max !== row.min ? ` and ${fmt(row.max)}` : "") +
        (below ? `, rejects ${fmt(row.min - 1n)}` : "") +
        (above ? `, rejects ${fmt(row.max + 1n)}` : "");

      it(title, async function () {
        const { registry } = await deployKeel();
        const marketId = marketOf(kind);
        const build =
          row.build ??
          ((value: bigint) => {
            if (!row.field) throw new Error(`row ${row.param}: neither field nor build`);
            return { ...baseGroup(group, kind), ...row.with, [row.field]: value } as MarketConfig[G];
          });

        for (const value of [row.min, row.max]) {
          const params = build(value);
          await expect(setGroup(registry, group, marketId, params), `${row.param} = ${value}`).to.not.be.reverted;
          expectDeep(await readGroup(registry, group, marketId), params);
        }
        const sides: [boolean, bigint, readonly [bigint, bigint] | undefined][] = [
          [below, row.min - 1n, row.reportedBelow],
          [above, row.max + 1n, row.reportedAbove],
        ];
        for (const [tested, value, reported] of sides) {
          if (!tested) continue;
          const [min, max] = reported ?? [row.min, row.max];
          await expectOutOfBounds(
            registry,
            setGroup(registry, group, marketId, build(value)),
            row.param,
            value,
            min,
            max,
          );
        }
      });
    }
  });
}
