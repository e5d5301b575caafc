/**
 * Crash-safety harness of the settlement keeper (DESIGN §13.18), shared by the CI test and
 * `scripts/crash-settlement.ts`.
 *
 * The chain (the in-process Hardhat network behind an HTTP JSON-RPC server) outlives the settlement process. Each
 * cycle journals new fills as the matcher would (valid ones, plus now and then one whose taker was cancelled on chain
 * or one that would break a poor account's margin), spawns the real CLI (`keel-keeper settlement --once`) with a
 * random failpoint so that it SIGKILLs itself mid-batch, sometimes takes the matcher's next nonce meanwhile (a price
 * push from the same key), restarts the CLI without a failpoint, and checks that the journal equals the chain:
 * every settled fill has its `Filled` event and no event lacks its settled fill (0 lost, 0 doubled), exactly the
 * invalid fills were dropped, no batch is open, and every order's `orderStatus` agrees with the journal.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { wad, type KeelFixture } from "../../fixtures/keel";
import { prng } from "../../fixtures/prng";
import type { Side } from "../../../keepers/matcher/types";
import { FAILPOINTS, type Failpoint } from "../../../keepers/settlement/failpoint";
import { Journal } from "../../../keepers/settlement/journal";
import {
  MATCHER_KEY,
  OrderDesk,
  checkJournalEqualsChain,
  pushBtcPrice,
  startRpcServer,
  tempJournalPath,
  tradingFixture,
  type JournalChainCheck,
  type PlacedOrder,
  type RpcEndpoint,
} from "./helpers";

/** Options of {@link runCrashCycles}. */
export interface CrashOptions {
  cycles: number;
  /** Seed of the PRNG choosing fills, failpoints and nonce interference: a run is reproducible from it. */
  seed: number;
  /**
   * Gas budget of the CLI (default 380,000: at most three fills per batch, so that the four or more valid fills of
   * a cycle take at least two batches and a failpoint `<point>:2` is always reached).
   */
  gasBudget?: bigint;
  /** Called after each cycle (progress lines, per-cycle assertions). */
  onCycle?: (result: CycleResult) => void;
  /** A CLI run taking longer than this is killed and reported (ms, default 60,000). */
  childTimeoutMs?: number;
}

/** One cycle: what was injected and what the check found after the restart. */
export interface CycleResult {
  cycle: number;
  /** `KEEL_FAILPOINT` of the crash run. */
  failpoint: string;
  /** The crash run died by SIGKILL (false: it finished before reaching the failpoint). */
  killed: boolean;
  /** The matcher's next nonce was taken between the crash and the restart. */
  nonceTaken: boolean;
  newFills: number;
  check: JournalChainCheck;
}

/** Totals of a crash run. */
export interface CrashSummary {
  cycles: number;
  seed: number;
  kills: Record<Failpoint, number>;
  /** Crash runs that finished without reaching their failpoint. */
  survived: number;
  fillsSettled: number;
  fillsDropped: number;
  batchesLanded: number;
  lost: number;
  doubled: number;
  /** Everything that went wrong (empty on success): check details and unexpected CLI exits. */
  discrepancies: string[];
  elapsedMs: number;
}

const REPO_ROOT = path.resolve(__dirname, "../../..");
const LOTS_OF_0_01 = wad("0.01");

/** How a CLI run ended. */
interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The tail of its stdout and stderr, for reports. */
  output: string;
}

/** The chain, the journal and the traders of a crash run. */
export class CrashHarness {
  /** Fill id → expected culprit, for the fills designed to be refused. */
  readonly expectedDrops = new Map<number, string>();

  private constructor(
    private readonly f: KeelFixture,
    private readonly traders: HardhatEthersSigner[],
    private readonly poor: HardhatEthersSigner,
    private readonly rpc: RpcEndpoint,
    readonly journal: Journal,
    private readonly desk: OrderDesk,
    private readonly fromBatchId: bigint,
    private readonly gasBudget: bigint,
    private readonly childTimeoutMs: number,
  ) {}

  /** Deploys Keel, funds the traders, starts the JSON-RPC server and opens a fresh journal. */
  static async start(options: Pick<CrashOptions, "gasBudget" | "childTimeoutMs"> = {}): Promise<CrashHarness> {
    const { f, traders, poor } = await tradingFixture();
    await pushBtcPrice(f);
    const rpc = await startRpcServer();
    return new CrashHarness(
      f,
      traders,
      poor,
      rpc,
      Journal.open(tempJournalPath()),
      await OrderDesk.of(f),
      await f.pm.nextBatchId(),
      options.gasBudget ?? 380_000n,
      options.childTimeoutMs ?? 60_000,
    );
  }

  /** Closes the journal and the server. */
  async close(): Promise<void> {
    this.journal.close();
    await this.rpc.close();
  }

  /** One crash-and-restart cycle driven by `random`. */
  async cycle(cycle: number, random: () => number): Promise<{ result: CycleResult; problems: string[] }> {
    const problems: string[] = [];
    await pushBtcPrice(this.f);
    const newFills = await this.journalFills(random);
    const point = FAILPOINTS[Math.floor(random() * FAILPOINTS.length)];
    const failpoint = `${point}:${1 + Math.floor(random() * 2)}`;

    const crash = await this.runCli(failpoint);
    const killed = crash.signal === "SIGKILL";
    if (!killed && crash.code !== 0) problems.push(`cycle ${cycle}: crash run exited ${crash.code}\n${crash.output}`);
    const nonceTaken = random() < 0.3;
    if (nonceTaken) await pushBtcPrice(this.f); // the matcher key's next nonce goes to another transaction

    const restart = await this.runCli();
    if (restart.code !== 0)
      problems.push(`cycle ${cycle}: restart exited ${restart.code ?? restart.signal}\n${restart.output}`);
    const check = await checkJournalEqualsChain(this.f.pm, this.journal, this.fromBatchId, this.expectedDrops);
    problems.push(...check.details.map((d) => `cycle ${cycle}: ${d}`));
    return { result: { cycle, failpoint, killed, nonceTaken, newFills, check }, problems };
  }

  /** Landed batches in the journal. */
  landedBatches(): number {
    return this.journal.batches().filter((b) => b.status === "landed").length;
  }

  /**
   * Journals this cycle's fills: one maker filled by two or three takers (left partly or completely filled), two
   * more pairs, a fill whose taker was cancelled on chain (30%) and one that breaks a poor taker's margin (20%).
   */
  private async journalFills(random: () => number): Promise<number> {
    const pick = (exclude: HardhatEthersSigner[] = []) => {
      const choices = this.traders.filter((t) => !exclude.includes(t));
      return choices[Math.floor(random() * choices.length)];
    };
    const side = (): Side => (random() < 0.5 ? "buy" : "sell");
    let count = 0;

    const maker = pick();
    const takerSide = side();
    const takers: HardhatEthersSigner[] = [];
    const takerCount = 2 + Math.floor(random() * 2);
    while (takers.length < takerCount) takers.push(pick([maker, ...takers]));
    const sizes = takers.map(() => LOTS_OF_0_01 * BigInt(1 + Math.floor(random() * 2)));
    const total = sizes.reduce((a, b) => a + b, 0n);
    const resting = await this.desk.order(maker, opposite(takerSide), total + (random() < 0.5 ? LOTS_OF_0_01 : 0n));
    for (let i = 0; i < takers.length; i++) {
      const taker = await this.desk.order(takers[i], takerSide, sizes[i]);
      this.journal.recordPlacement([resting.book, taker.book], [this.desk.fill(resting, taker, sizes[i])]);
      count++;
    }
    if (random() < 0.3) count += await this.journalCancelledTaker(pick(), side());
    if (random() < 0.2) count += this.expectDrop(await this.journalPair(pick(), this.poor, "buy", wad("1")));
    for (let i = 0; i < 2; i++) {
      const a = pick();
      await this.journalPair(a, pick([a]), side(), LOTS_OF_0_01);
      count++;
    }
    return count;
  }

  private async journalPair(maker: HardhatEthersSigner, taker: HardhatEthersSigner, takerSide: Side, size: bigint) {
    return this.desk.journalPair(this.journal, maker, taker, takerSide, size);
  }

  /** A fill whose taker order its account cancelled on chain before settlement: the chain refuses it (OrderDead). */
  private async journalCancelledTaker(taker: HardhatEthersSigner, takerSide: Side): Promise<number> {
    const maker = this.traders.find((t) => t !== taker)!;
    const m: PlacedOrder = await this.desk.order(maker, opposite(takerSide), LOTS_OF_0_01);
    const t: PlacedOrder = await this.desk.order(taker, takerSide, LOTS_OF_0_01);
    await (await this.f.pm.connect(taker).cancelOrder(t.book.signed.order)).wait();
    return this.expectDrop(this.journal.recordPlacement([m.book, t.book], [this.desk.fill(m, t, LOTS_OF_0_01)])[0]);
  }

  private expectDrop(fill: { id: number }): number {
    this.expectedDrops.set(fill.id, "taker");
    return 1;
  }

  /** Runs `keel-keeper settlement --once` in a child process, optionally with `KEEL_FAILPOINT`. */
  private runCli(failpoint?: string): Promise<ChildOutcome> {
    const args = [
      "-r",
      "ts-node/register/transpile-only",
      "keepers/cli.ts",
      "settlement",
      "--once",
      "--rpc-url",
      this.rpc.url,
      "--journal",
      this.journal.path,
      "--position-manager",
      this.f.pm.target as string,
      "--gas-budget",
      this.gasBudget.toString(),
      "--poll-interval-ms",
      "50",
      "--log-level",
      "warn",
    ];
    const env = { ...process.env, KEEL_PRIVATE_KEY: MATCHER_KEY, KEEL_FAILPOINT: failpoint ?? "" };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000));
      child.stdout.on("data", collect);
      child.stderr.on("data", collect);
      const timer = setTimeout(() => child.kill("SIGKILL"), this.childTimeoutMs);
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, output: `[${failpoint ?? "restart"}] ${output}` });
      });
    });
  }
}

function opposite(side: Side): Side {
  return side === "buy" ? "sell" : "buy";
}

/** Runs `options.cycles` crash-and-restart cycles and sums them up; never throws for a discrepancy (it reports it). */
export async function runCrashCycles(options: CrashOptions): Promise<CrashSummary> {
  const started = Date.now();
  const random = prng(options.seed);
  const harness = await CrashHarness.start(options);
  const summary: CrashSummary = {
    cycles: options.cycles,
    seed: options.seed,
    kills: { "before-send": 0, "after-send": 0, "after-receipt": 0 },
    survived: 0,
    fillsSettled: 0,
    fillsDropped: 0,
    batchesLanded: 0,
    lost: 0,
    doubled: 0,
    discrepancies: [],
    elapsedMs: 0,
  };
  try {
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const { result, problems } = await harness.cycle(cycle, random);
      if (result.killed) summary.kills[result.failpoint.split(":")[0] as Failpoint]++;
      else summary.survived++;
      summary.lost = Math.max(summary.lost, result.check.lost);
      summary.doubled = Math.max(summary.doubled, result.check.doubled);
      summary.discrepancies.push(...problems);
      options.onCycle?.(result);
    }
    const last = fillCounts(harness);
    summary.fillsSettled = last.settled;
    summary.fillsDropped = last.dropped;
    summary.batchesLanded = harness.landedBatches();
  } finally {
    await harness.close();
  }
  summary.elapsedMs = Date.now() - started;
  return summary;
}

function fillCounts(harness: CrashHarness): { settled: number; dropped: number } {
  const fills = harness.journal.fills();
  return {
    settled: fills.filter((fill) => fill.status === "settled").length,
    dropped: fills.filter((fill) => fill.status === "dropped").length,
  };
}

/** The summary as a table. */
export function formatSummary(s: CrashSummary): string {
  const kills = FAILPOINTS.reduce((sum, point) => sum + s.kills[point], 0);
  const rows: [string, string | number][] = [
    ["seed", s.seed],
    ["cycles", s.cycles],
    ["kills (SIGKILL)", kills],
    ...FAILPOINTS.map((point): [string, number] => [`  at ${point}`, s.kills[point]]),
    ["crash runs that finished first", s.survived],
    ["batches landed", s.batchesLanded],
    ["fills settled", s.fillsSettled],
    ["fills dropped (all designed invalid)", s.fillsDropped],
    ["lost fills", s.lost],
    ["doubled fills", s.doubled],
    ["discrepancies", s.discrepancies.length],
    ["elapsed", `${(s.elapsedMs / 1000).toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const line = `+${"-".repeat(width + 2)}+${"-".repeat(12)}+`;
  return [
    line,
    ...rows.map(([label, value]) => `| ${label.padEnd(width)} | ${String(value).padStart(10)} |`),
    line,
  ].join("\n");
}
