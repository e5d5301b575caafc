/**
 * The world of the stateful fuzzer (DESIGN §13): Keel deployed by the real deploy steps on the in-process Hardhat
 * network, four traders, a deep-pocketed market maker, a permissionless liquidator, the insurance fund, the
 * settlement keeper (the real `SettlementPipeline` over a real SQLite journal, through a JSON-RPC server) and what the
 * fuzzer remembers that the chain does not say directly (orders it signed, what was deposited and withdrawn).
 *
 * Every sequence starts from the same snapshot ({@link fuzzFixture}); the journal is a fresh file per sequence.
 */
import { rmSync } from "node:fs";
import { deployments, ethers } from "hardhat";
import { Wallet } from "ethers";
import pino from "pino";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import {
  deployKeel,
  fund,
  seedInsuranceFund,
  usdc,
  wad,
  BTC_USD,
  SENATE22_R,
  type KeelFixture,
} from "../../fixtures/keel";
import { readOrderDomain, type OrderDomain } from "../../../keepers/sdk/orders";
import { PositionManager__factory } from "../../../keepers/sdk/typechain";
import { Journal } from "../../../keepers/settlement/journal";
import { SettlementPipeline } from "../../../keepers/settlement/pipeline";
import type { FailpointHook } from "../../../keepers/settlement/failpoint";
import { tempJournalPath, type RpcEndpoint } from "../../keepers/settlement/helpers";
import type { SignedOrder } from "../../../keepers/sdk/batch";
import type { BookOrder } from "../../../keepers/matcher/types";

/** The markets the fuzzer trades: BTC-USD (an asset) and SENATE22-R (a bounded event market that can resolve). */
export const MARKETS = [BTC_USD, SENATE22_R] as const;

/** Hardhat account #11's key: the fuzzer's matcher (granted MATCHER_ROLE), so its nonces belong to the keeper. */
const MATCHER_KEY = "0x701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82";

/** Deposits at the start of every sequence (USDC token units). */
export const TRADER_DEPOSITS = [usdc(20_000), usdc(5_000), usdc(2_000), usdc(50_000)] as const;
export const MAKER_DEPOSIT = usdc(20_000_000);
/** Small enough that deep bankruptcies exhaust it and the waterfall reaches ADL. */
export const INSURANCE_SEED = usdc(3_000);
/** Marks every sequence starts at: BTC-USD 60,000, SENATE22-R 0.40. */
const INITIAL_MARKS = [wad(60_000), wad("0.4")];

/** An order the fuzzer signed, with what the chain must never change once it is dead. */
export interface TrackedOrder {
  book: BookOrder;
  signed: SignedOrder;
  /** Σ of its fills when it was cancelled or fell below the nonce floor (it must never move again). */
  frozenFilledWad?: bigint;
}

/** What the fuzzer knows besides the chain. */
export interface Model {
  /** Every order signed in this sequence, by digest (lower-case hex). */
  orders: Map<string, TrackedOrder>;
  /** Σ deposits − Σ executed withdrawals, token units: the vault's token balance must equal it. */
  netTokensUsdc: bigint;
  paused: boolean;
  /** Σ of each order's fills so far (from the events), by digest. */
  filledWad: Map<string, bigint>;
  /** Next nonce per account. */
  nonces: Map<string, bigint>;
  /** Journal fills the keeper could not settle because no fill was at fault (e.g. the OI cap): dropped by hand. */
  blockedFills: number;
}

/** Everything an action or a check may touch. */
export interface World {
  f: KeelFixture;
  /** The four traders of DESIGN §13's fuzzing: deposits of 20k, 5k, 2k and 50k USDC. */
  traders: HardhatEthersSigner[];
  /** A market maker with 20M USDC: the counterparty of liquidations and of the exit probe. */
  maker: HardhatEthersSigner;
  /** Flags and backstops accounts without any role (DESIGN §8 permissionless path). */
  keeper: HardhatEthersSigner;
  /** Holds no role at all. */
  outsider: HardhatEthersSigner;
  /** The matcher's signer in-process (MATCHER_ROLE), for calls that must revert (static calls only). */
  matcher: HardhatEthersSigner;
  fundAddress: string;
  pmAddress: string;
  domain: OrderDomain;
  rpc: RpcEndpoint;
  journal: Journal;
  journalPath: string;
  /** The settlement keeper; replaced by a fresh one (reconcile, then flush) after an injected crash. */
  pipeline: SettlementPipeline;
  model: Model;
  /** The block the sequence started at (events before it belong to earlier sequences). */
  startBlock: number;
  /** The first batch id of the sequence. */
  startBatchId: bigint;
}

interface FuzzBase {
  f: KeelFixture;
  signers: HardhatEthersSigner[];
}

/** Keel deployed, the actors funded, the insurance fund seeded and both markets priced (snapshotted). */
export const fuzzFixture = deployments.createFixture(async (): Promise<FuzzBase> => {
  const f = await deployKeel();
  const signers = await ethers.getSigners();
  const matcher = signers[11];
  await f.pm.connect(f.deployer).grantRole(roleId("MATCHER_ROLE"), matcher.address);
  for (const [i, amount] of TRADER_DEPOSITS.entries()) await fund(f, signers[5 + i], amount);
  await fund(f, signers[9], MAKER_DEPOSIT);
  await seedInsuranceFund(f, INSURANCE_SEED);
  const ts = (await time.latest()) + 1;
  await time.setNextBlockTimestamp(ts);
  await f.oracle.connect(f.deployer).pushPrices([...MARKETS], INITIAL_MARKS, INITIAL_MARKS, ts);
  return { f, signers };
});

function roleId(name: string): string {
  return ethers.keccak256(ethers.toUtf8Bytes(name));
}

/** A settlement keeper on `world`'s journal; `failpoint` injects a crash. */
export function newPipeline(world: Pick<World, "f" | "rpc" | "journal">, failpoint?: FailpointHook) {
  const pm = PositionManager__factory.connect(world.f.pm.target as string, new Wallet(MATCHER_KEY, world.rpc.provider));
  return new SettlementPipeline({
    pm,
    journal: world.journal,
    logger: pino({ level: "silent" }),
    receiptTimeoutMs: 10_000,
    pollIntervalMs: 5,
    failpoint,
  });
}

/** Resets the chain to the fixture, opens a fresh journal and returns the world of one sequence. */
export async function openWorld(rpc: RpcEndpoint): Promise<World> {
  const { f, signers } = await fuzzFixture();
  const journalPath = tempJournalPath();
  const journal = Journal.open(journalPath);
  const world: World = {
    f,
    traders: signers.slice(5, 9),
    maker: signers[9],
    keeper: signers[10],
    outsider: f.outsider,
    matcher: signers[11],
    fundAddress: await f.fund.getAddress(),
    pmAddress: await f.pm.getAddress(),
    domain: await readOrderDomain(f.pm),
    rpc,
    journal,
    journalPath,
    pipeline: undefined as unknown as SettlementPipeline,
    model: {
      orders: new Map(),
      netTokensUsdc: TRADER_DEPOSITS.reduce((a, b) => a + b, 0n) + MAKER_DEPOSIT + INSURANCE_SEED,
      paused: false,
      nonces: new Map(),
      filledWad: new Map(),
      blockedFills: 0,
    },
    startBlock: (await ethers.provider.getBlockNumber()) + 1,
    startBatchId: await f.pm.nextBatchId(),
  };
  world.pipeline = newPipeline(world);
  return world;
}

/** Closes the sequence's journal and deletes its file. */
export function closeWorld(world: World): void {
  world.journal.close();
  rmSync(world.journalPath, { force: true });
  for (const suffix of ["-wal", "-shm"]) rmSync(world.journalPath + suffix, { force: true });
}

/** Every account whose balance or positions the fuzzer reads: traders, maker, keeper, insurance fund. */
export function actorAddresses(world: World): string[] {
  return [...world.traders, world.maker, world.keeper].map((s) => s.address).concat(world.fundAddress);
}
