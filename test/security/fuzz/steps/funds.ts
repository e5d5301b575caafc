/**
 * Deposits and withdrawals (DESIGN §3): every success keeps the model's token count exact (§13.1) and a withdrawal
 * request leaves the account above initial margin (§13.9).
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Action } from "../actions";
import { pushPrices } from "../market";
import { attempt } from "../revert";
import { require13 } from "../violation";
import { note, type StepContext } from "./context";

type Of<K extends Action["kind"]> = Extract<Action, { kind: K }>;

/** Mints, approves and deposits USDC for a trader. */
export async function deposit(ctx: StepContext, a: Of<"deposit">): Promise<void> {
  const { f, model } = ctx.world;
  const trader = ctx.world.traders[a.trader];
  const amount = BigInt(a.amountUsdc) * 10n ** 6n;
  await (await f.usdc.mint(trader.address, amount)).wait();
  await (await f.usdc.connect(trader).approve(f.vault.target as string, amount)).wait();
  const r = await attempt("deposit", async () => (await f.vault.connect(trader).deposit(amount)).wait());
  if (r.ok) model.netTokensUsdc += amount;
  ctx.actors.add(trader.address);
  note(ctx, r.ok ? `deposited ${a.amountUsdc} USDC` : `deposit reverted ${r.error}`);
}

/**
 * Requests a withdrawal of `percent`% of the trader's free collateral (equity − initial margin, balance-capped):
 * above 100% it must fail with a declared error; a success leaves equity ≥ initial margin (§13.9).
 */
export async function requestWithdrawal(ctx: StepContext, a: Of<"requestWithdrawal">): Promise<void> {
  const { f } = ctx.world;
  const trader = ctx.world.traders[a.trader];
  if (a.refresh) await pushPrices(ctx.world);
  const margin = await attempt("accountMargin", () => f.pm.accountMargin(trader.address));
  if (!margin.ok) return note(ctx, `margin unreadable: ${margin.error}`);
  const m = margin.value;
  let free = m.equityWad - BigInt(m.initialMarginWad);
  if (free > m.balanceWad) free = m.balanceWad;
  const amount = free <= 0n ? 1n : ((free / 10n ** 12n) * BigInt(a.percent)) / 100n || 1n;
  const r = await attempt("requestWithdrawal", async () =>
    (await f.vault.connect(trader).requestWithdrawal(amount)).wait(),
  );
  ctx.actors.add(trader.address);
  if (!r.ok) return note(ctx, `request ${amount} reverted ${r.error}`);
  const afterM = await f.pm.accountMargin(trader.address);
  require13(
    9,
    afterM.equityWad >= BigInt(afterM.initialMarginWad),
    () => `withdrawal request left equity ${afterM.equityWad} < initial margin ${afterM.initialMarginWad}`,
  );
  note(ctx, `requested ${amount} (token units)`);
}

/** Executes a trader's pending withdrawal (anyone may), after its delay when `waitDelay`. */
export async function executeWithdrawal(ctx: StepContext, a: Of<"executeWithdrawal">): Promise<void> {
  const { f, model } = ctx.world;
  const trader = ctx.world.traders[a.trader];
  const pending = await f.vault.pendingWithdrawal(trader.address);
  if (a.waitDelay && pending.amount > 0n) {
    const now = await time.latest();
    if (Number(pending.readyAt) > now) await time.increaseTo(Number(pending.readyAt));
    await pushPrices(ctx.world);
  }
  const tokensBefore = await f.usdc.balanceOf(trader.address);
  const r = await attempt("executeWithdrawal", async () =>
    (await f.vault.connect(ctx.world.keeper).executeWithdrawal(trader.address)).wait(),
  );
  ctx.actors.add(trader.address);
  if (!r.ok) return note(ctx, `execute reverted ${r.error}`);
  const received = (await f.usdc.balanceOf(trader.address)) - tokensBefore;
  require13(1, received === pending.amount, () => `withdrawal paid ${received}, the request was ${pending.amount}`);
  model.netTokensUsdc -= received;
  note(ctx, `withdrew ${received} (token units)`);
}

/** Cancels a trader's pending withdrawal. */
export async function cancelWithdrawal(ctx: StepContext, a: Of<"cancelWithdrawal">): Promise<void> {
  const trader = ctx.world.traders[a.trader];
  const r = await attempt("cancelWithdrawal", async () =>
    (await ctx.world.f.vault.connect(trader).cancelWithdrawal()).wait(),
  );
  ctx.actors.add(trader.address);
  note(ctx, r.ok ? "withdrawal cancelled" : `cancel reverted ${r.error}`);
}
