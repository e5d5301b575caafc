/**
 * Hand-written mutants of the Keel contracts (issue 10, mutation testing). Each one is a small, plausible bug — a
 * rounding turned in the user's favour, a dropped check, an off-by-one, a missed storage write — that the contract test
 * suites must catch. `scripts/mutation/run.ts` applies them one at a time to a work copy of the repository and runs
 * their `suites`; `test/security/mutants.anchors.test.ts` keeps every `find` anchored in the current source.
 */

/** One source mutation. */
export interface Mutant {
  /** Unique kebab-case name, `<area>-<what breaks>`; what `--only` selects. */
  id: string;
  /** Repository-relative path of the mutated Solidity file. */
  file: string;
  /** The bug the mutant plants, in the field's terms. */
  description: string;
  /** Exact text replaced; must occur exactly once in `file` (include enough context). */
  find: string;
  /** Its replacement; must differ from `find` and compile. */
  replace: string;
  /**
   * Repository-relative test files or folders (searched for `*.test.ts`) most likely to kill the mutant: narrow, for
   * speed. `--all-suites` runs the whole contract suite instead.
   */
  suites: string[];
}

const PM = "contracts/PositionManager.sol";
const VAULT = "contracts/CollateralVault.sol";
const FUND = "contracts/InsuranceFund.sol";
const ORACLE = "contracts/OracleRegistry.sol";
const REGISTRY = "contracts/MarketRegistry.sol";
const CORE = "contracts/libraries/SettlementCore.sol";
const BATCH = "contracts/libraries/BatchSettlement.sol";
const MATH = "contracts/libraries/PositionMath.sol";
const LEDGER = "contracts/libraries/Ledger.sol";
const BOOK = "contracts/libraries/BookLiquidation.sol";
const WATERFALL = "contracts/libraries/Waterfall.sol";
const RESOLUTION = "contracts/libraries/Resolution.sol";

const T = "test/contracts/trading";
const MATH_MIRROR = "test/sdk/math.mirror.test.ts";
const FEES = `${T}/settleBatch.movesPositionsAndFees.test.ts`;
const FILLS = `${T}/settleBatch.rejectsInvalidFills.test.ts`;
const ORDERS = `${T}/settleBatch.rejectsInvalidOrders.test.ts`;
const BATCHES = `${T}/settleBatch.rejectsInvalidBatches.test.ts`;
const PARTIAL = `${T}/settleBatch.partialFills.test.ts`;
const MARGIN = `${T}/settleBatch.checksMarginOncePerAccount.test.ts`;
const REPLAYS = `${T}/replays.neverFill.test.ts`;
const FUNDING = `${T}/applyFunding.settlesLazily.test.ts`;
const WITHDRAWAL_MARGIN = `${T}/withdrawal.checksMarginThroughPositionManager.test.ts`;
const REENTRANCY = "test/contracts/vault/nonReentrant.refusesTokenCallbacks.test.ts";

/** Rounding turned in the user's favour (DESIGN §2: debits round up, credits down). */
const rounding: Mutant[] = [
  {
    id: "margin-maintenance-rounds-down",
    file: MATH,
    description: "maintenance margin notional · mmf rounded down instead of up",
    find: "maintenanceWad = Math.mulDiv(notionalWad, tier.mmfWad, WAD, Math.Rounding.Ceil);",
    replace: "maintenanceWad = Math.mulDiv(notionalWad, tier.mmfWad, WAD);",
    suites: [MATH_MIRROR, WITHDRAWAL_MARGIN],
  },
  {
    id: "margin-initial-rounds-down",
    file: MATH,
    description: "initial margin notional · imf rounded down instead of up",
    find: "            initialMarginFraction(tier, params, openInterestWad),\n            WAD,\n            Math.Rounding.Ceil\n",
    replace: "            initialMarginFraction(tier, params, openInterestWad),\n            WAD\n",
    suites: [MATH_MIRROR, MARGIN],
  },
  {
    id: "margin-notional-rounds-down",
    file: MATH,
    description: "|size| · mark (the base of every requirement) rounded down instead of up",
    find: "return Math.mulDiv(SignedMath.abs(sizeWad), markWad, WAD, Math.Rounding.Ceil);",
    replace: "return Math.mulDiv(SignedMath.abs(sizeWad), markWad, WAD);",
    suites: [MATH_MIRROR, MARGIN],
  },
  {
    id: "fee-charge-rounds-down",
    file: MATH,
    description: "a positive trading fee rounded down (under-charged) instead of up",
    find: "if (feeWad >= 0) return int256(Math.mulDiv(sizeWad * priceWad, rate, WAD * WAD, Math.Rounding.Ceil));",
    replace: "if (feeWad >= 0) return int256(Math.mulDiv(sizeWad * priceWad, rate, WAD * WAD));",
    suites: [FEES, MATH_MIRROR],
  },
  {
    id: "fee-rebate-rounds-up",
    file: MATH,
    description: "a maker rebate rounded away from zero (over-paid) instead of toward it",
    find: "return -int256(Math.mulDiv(sizeWad * priceWad, rate, WAD * WAD));",
    replace: "return -int256(Math.mulDiv(sizeWad * priceWad, rate, WAD * WAD, Math.Rounding.Ceil));",
    suites: [FEES, MATH_MIRROR],
  },
  {
    id: "fee-insurance-share-rounds-up",
    file: CORE,
    description: "the insurance fund's share of the net fee rounded up instead of down",
    find: "int256 insuranceShare = int256(Math.mulDiv(netFee, fees.insuranceShareWad, WAD));",
    replace: "int256 insuranceShare = int256(Math.mulDiv(netFee, fees.insuranceShareWad, WAD, Math.Rounding.Ceil));",
    suites: [FEES],
  },
  {
    id: "funding-payer-rounds-down",
    file: MATH,
    description: "funding owed rounded toward −∞: payers pay down, receivers receive up (paid < received)",
    find: "return mulWadUp(diff > 0 ? sizeWad : -sizeWad, SignedMath.abs(diff));",
    replace: "return mulWadDown(diff > 0 ? sizeWad : -sizeWad, SignedMath.abs(diff));",
    suites: [FUNDING, MATH_MIRROR],
  },
  {
    id: "funding-receiver-rounds-up",
    file: MATH,
    description: "mulWadUp rounds a negative product away from zero: receivers of funding (and sellers) get the dust",
    find: "uint256 m = Math.mulDiv(SignedMath.abs(a), b, WAD, a >= 0 ? Math.Rounding.Ceil : Math.Rounding.Floor);",
    replace: "uint256 m = Math.mulDiv(SignedMath.abs(a), b, WAD, a >= 0 ? Math.Rounding.Ceil : Math.Rounding.Ceil);",
    suites: [FUNDING, MATH_MIRROR],
  },
  {
    id: "fill-cost-basis-rounds-down",
    file: MATH,
    description: "the cost basis added by an opening fill rounded down instead of up",
    find: "return (newSizeWad, openNotionalWad + mulWadUp(deltaWad, priceWad), 0);",
    replace: "return (newSizeWad, openNotionalWad + mulWadDown(deltaWad, priceWad), 0);",
    suites: [MATH_MIRROR, `${T}/settleBatch.realizesPnl.test.ts`],
  },
  {
    id: "pnl-unrealized-rounds-up",
    file: MATH,
    description: "unrealized PnL (size · mark) rounded up instead of down: equity overstated",
    find: "return mulWadDown(sizeWad, markWad) - openNotionalWad;",
    replace: "return mulWadUp(sizeWad, markWad) - openNotionalWad;",
    suites: [MATH_MIRROR, MARGIN],
  },
  {
    id: "vault-token-amount-rounds-up",
    file: VAULT,
    description:
      "toTokenAmount rounds a wad amount up into token units instead of down (_toWad is exact: no direction)",
    find: "return amountWad / _scale;",
    replace: "return (amountWad + _scale - 1) / _scale;",
    suites: ["test/contracts/vault/decimals.test.ts"],
  },
  {
    id: "liquidation-fee-rounds-down",
    file: BOOK,
    description: "the book liquidation fee rounded down instead of up",
    find: "            liq.params.liquidationFeeWad,\n            PositionMath.WAD,\n            Math.Rounding.Ceil\n",
    replace: "            liq.params.liquidationFeeWad,\n            PositionMath.WAD\n",
    suites: ["test/contracts/waterfall/book/liquidateOnBook.feeRoundsUp.test.ts"],
  },
  {
    id: "adl-bankruptcy-offset-rounds-up",
    file: MATH,
    description:
      "the bankruptcy-price offset deficit / |size| rounded up (counterparties give up more than the deficit)",
    find: "uint256 offsetWad = Math.mulDiv(deficitWad, WAD, SignedMath.abs(sizeWad));",
    replace: "uint256 offsetWad = Math.mulDiv(deficitWad, WAD, SignedMath.abs(sizeWad), Math.Rounding.Ceil);",
    suites: [MATH_MIRROR, "test/contracts/waterfall/adl/autoDeleverage.bankruptcyPrice.test.ts"],
  },
  {
    id: "haircut-cut-rounds-down",
    file: RESOLUTION,
    description: "a winner's pro-rata haircut rounded down (in the claimant's favour) instead of up",
    find: "Math.mulDiv(claimWad, r.haircutWad, r.totalClaimsWad, Math.Rounding.Ceil)",
    replace: "Math.mulDiv(claimWad, r.haircutWad, r.totalClaimsWad)",
    suites: ["test/contracts/resolution/claimSettlement.proRataHaircut.test.ts"],
  },
];

/** Signed-order checks of DESIGN §4. */
const orderChecks: Mutant[] = [
  {
    id: "order-signature-check-dropped",
    file: CORE,
    description: "an order whose signature recovers to neither the account, an agent nor passes ERC-1271 still fills",
    find: "revert IPositionManager.OrderInvalidSignature(b.fillIndex, orderIndex, signer);",
    replace: "return;",
    suites: [ORDERS],
  },
  {
    id: "order-agent-expiry-ignored",
    file: CORE,
    description: "an agent's signature is accepted after the agent's approval expired",
    find: "Ledger.state().agentExpiry[account][signer] >= block.timestamp",
    replace: "Ledger.state().agentExpiry[account][signer] != 0",
    suites: [ORDERS],
  },
  {
    id: "order-expiry-dropped",
    file: CORE,
    description: "an order past its expiry still fills",
    find: "if (order.expiry != 0 && order.expiry < block.timestamp) {",
    replace: "if (false && order.expiry != 0 && order.expiry < block.timestamp) {",
    suites: [ORDERS],
  },
  {
    id: "order-post-only-taker-allowed",
    file: CORE,
    description: "a post-only order may fill as taker",
    find: "if (taker.flags & OrderLib.FLAG_POST_ONLY != 0)",
    replace: "if (false && taker.flags & OrderLib.FLAG_POST_ONLY != 0)",
    suites: [FILLS],
  },
  {
    id: "order-ioc-maker-allowed",
    file: CORE,
    description: "an immediate-or-cancel order may rest as maker",
    find: "if (maker.flags & OrderLib.FLAG_IOC != 0)",
    replace: "if (false && maker.flags & OrderLib.FLAG_IOC != 0)",
    suites: [FILLS],
  },
  {
    id: "order-reduce-only-flag-ignored",
    file: CORE,
    description: "the reduce-only flag is ignored: a reduce-only order may grow or open a position",
    find: "if (o.flags & OrderLib.FLAG_REDUCE_ONLY != 0 || m.reduceOnly || b.paused) {",
    replace: "if (m.reduceOnly || b.paused) {",
    suites: [FILLS],
  },
  {
    id: "order-reduce-only-allows-flip",
    file: CORE,
    description: "a reduce-only fill may flip the position to a smaller one on the other side",
    find: "(after_ == 0 || (after_ > 0) == (before > 0)) &&",
    replace: "true &&",
    suites: [FILLS, `${T}/settleBatch.reduceOnlyNeverFlipsToSmaller.test.ts`],
  },
  {
    id: "order-trigger-ignored",
    file: CORE,
    description: "a stop or take-profit order fills before the mark crossed its trigger",
    find: "if (!OrderLib.triggered(order.flags, order.triggerPrice, markWad)) {",
    replace: "if (false && !OrderLib.triggered(order.flags, order.triggerPrice, markWad)) {",
    suites: [PARTIAL],
  },
  {
    id: "order-nonce-floor-ignored",
    file: CORE,
    description: "an order below the account's cancelUpTo floor still fills",
    find: "if (order.nonce < floor) revert",
    replace: "if (false && order.nonce < floor) revert",
    suites: [REPLAYS],
  },
  {
    id: "order-self-trade-allowed",
    file: CORE,
    description: "an account may trade with itself",
    find: "            maker.account == taker.account\n",
    replace: "            false\n",
    suites: [FILLS],
  },
];

/** Per-fill terms: band around the mark, limit prices, filled ≤ size. */
const fillChecks: Mutant[] = [
  {
    id: "fill-band-check-dropped",
    file: CORE,
    description: "a fill far from the mark (outside maxFillDeviation / the liquidation band) is accepted",
    find: "if (!within) revert IPositionManager.FillPriceOutsideBand",
    replace: "if (false && !within) revert IPositionManager.FillPriceOutsideBand",
    suites: [FILLS],
  },
  {
    id: "fill-buy-limit-ignored",
    file: CORE,
    description: "a buy may pay above its limit price",
    find: "OrderLib.isBuy(o.flags) ? priceWad > o.limitPriceWad : priceWad < o.limitPriceWad",
    replace: "OrderLib.isBuy(o.flags) ? false : priceWad < o.limitPriceWad",
    suites: [FILLS],
  },
  {
    id: "fill-sell-limit-ignored",
    file: CORE,
    description: "a sell may receive below its limit price",
    find: "OrderLib.isBuy(o.flags) ? priceWad > o.limitPriceWad : priceWad < o.limitPriceWad",
    replace: "OrderLib.isBuy(o.flags) ? priceWad > o.limitPriceWad : false",
    suites: [FILLS],
  },
  {
    id: "fill-exact-size-refused",
    file: CORE,
    description: "off-by-one: filled = size is refused (< instead of ≤)",
    find: "if (filled > o.sizeWad) revert",
    replace: "if (filled >= o.sizeWad) revert",
    suites: [PARTIAL],
  },
  {
    id: "fill-one-wei-past-size",
    file: CORE,
    description: "off-by-one: an order may be filled 1 wei past its size",
    find: "if (filled > o.sizeWad) revert",
    replace: "if (filled > o.sizeWad + 1) revert",
    suites: [FILLS, `${T}/settleBatch.filledNeverPassesSizeByOneWei.test.ts`],
  },
  {
    id: "fill-forgets-earlier-fills",
    file: CORE,
    description: "filled ≤ size is checked against this fill alone, not the order's running total",
    find: "uint256 filled = o.filledWad + sizeWad;",
    replace: "uint256 filled = sizeWad;",
    suites: [FILLS],
  },
];

/** Replay protection: nonce bits and order-dead marking (DESIGN §4). */
const replayChecks: Mutant[] = [
  {
    id: "nonce-bit-not-set-when-filled",
    file: CORE,
    description: "a completely filled (or IOC) order's nonce bit is never set: it can fill again",
    find: "else Ledger.useNonce(order.account, order.nonce);",
    replace: "else {}",
    suites: [REPLAYS, PARTIAL],
  },
  {
    id: "nonce-bit-not-set-when-partial",
    file: CORE,
    description: "an order left partially filled keeps no nonce bit: its partial record is ignored and it refills",
    find: "if (!o.partialBefore) Ledger.useNonce(order.account, order.nonce);",
    replace: "if (!o.partialBefore) {}",
    suites: [PARTIAL, FILLS],
  },
  {
    id: "ioc-taker-survives",
    file: CORE,
    description: "an immediate-or-cancel order partly filled is not marked dead after its batch",
    find: "bool dead = o.filledWad == order.size || order.flags & OrderLib.FLAG_IOC != 0;",
    replace: "bool dead = o.filledWad == order.size;",
    suites: [PARTIAL],
  },
  {
    id: "cancel-order-does-not-kill",
    file: PM,
    description: "cancelOrder does not set the order's nonce bit: a cancelled order still fills",
    find: "Ledger.useNonce(order.account, order.nonce);\n        delete $.partialFills[hash];",
    replace: "delete $.partialFills[hash];",
    suites: [REPLAYS],
  },
];

/** Batch-level checks of DESIGN §5. */
const batchChecks: Mutant[] = [
  {
    id: "batch-id-check-dropped",
    file: BATCH,
    description: "a batch with a wrong id (a resend of one that landed) is settled",
    find: "if (batchId != $.nextBatchId) revert",
    replace: "if (false && batchId != $.nextBatchId) revert",
    suites: [BATCHES],
  },
  {
    id: "batch-id-not-advanced",
    file: BATCH,
    description: "nextBatchId is not advanced: the same batch id can land twice",
    find: "$.nextBatchId = batchId + 1;",
    replace: "$.nextBatchId = batchId;",
    suites: [BATCHES],
  },
  {
    id: "batch-initial-margin-check-dropped",
    file: CORE,
    description: "an account whose exposure grew need not end the batch above initial margin",
    find: "if (equity < int256(initialWad)) {",
    replace: "if (false && equity < int256(initialWad)) {",
    suites: [MARGIN, BATCHES],
  },
  {
    id: "batch-margin-ratio-check-dropped",
    file: CORE,
    description: "an account below maintenance may end the batch with a worse margin ratio",
    find: "if (equity * int256(maintenanceBeforeWad) < equityBefore * int256(maintenanceWad)) {",
    replace: "if (false && equity * int256(maintenanceBeforeWad) < equityBefore * int256(maintenanceWad)) {",
    suites: [MARGIN],
  },
  {
    id: "batch-exposure-growth-ignored",
    file: CORE,
    description: "a position that grew does not mark its account for the initial-margin check",
    find: "if (grew) a.exposureGrew = true;",
    replace: "if (grew) a.exposureGrew = false;",
    suites: [MARGIN, BATCHES],
  },
  {
    id: "batch-oi-cap-dropped",
    file: CORE,
    description: "a batch may grow a market's open interest past its cap",
    find: "if (m.openInterestWad > m.openInterestBeforeWad && m.openInterestWad > cap) {",
    replace: "if (false && m.openInterestWad > m.openInterestBeforeWad && m.openInterestWad > cap) {",
    suites: [BATCHES],
  },
  {
    id: "batch-oi-not-stored-on-decrease",
    file: CORE,
    description: "a batch that lowers a market's open interest does not store it (OI only ratchets up)",
    find: "if (m.openInterestWad == m.openInterestBeforeWad) continue;",
    replace: "if (m.openInterestWad <= m.openInterestBeforeWad) continue;",
    suites: [FEES],
  },
  {
    id: "batch-paused-not-enforced",
    file: PM,
    description: "settleBatch ignores the pause: new risk can be opened while paused",
    find: "BatchSettlement.settle(_deps(), batchId, paused(), orders, signatures, fills);",
    replace: "BatchSettlement.settle(_deps(), batchId, false, orders, signatures, fills);",
    suites: ["test/contracts/pause/settleBatch.whilePausedOnlyReduces.test.ts"],
  },
  {
    id: "batch-market-reduce-only-ignored",
    file: CORE,
    description: "a Resolving market (or one whose circuit breaker tripped) accepts fills that grow positions",
    find: "if (o.flags & OrderLib.FLAG_REDUCE_ONLY != 0 || m.reduceOnly || b.paused) {",
    replace: "if (o.flags & OrderLib.FLAG_REDUCE_ONLY != 0 || b.paused) {",
    suites: ["test/contracts/resolution/settleBatch.resolvingIsReduceOnly.test.ts"],
  },
];

/** Vault: custody, withdrawals, fee-on-transfer, reentrancy. */
const vaultChecks: Mutant[] = [
  {
    id: "vault-deposit-credits-requested-amount",
    file: VAULT,
    description: "a deposit credits the amount asked for, not what arrived (fee-on-transfer tokens over-credit)",
    find: "uint256 creditedWad = _toWad(received);",
    replace: "uint256 creditedWad = _toWad(amount);",
    suites: ["test/contracts/vault/feeOnTransfer.test.ts"],
  },
  {
    id: "vault-deposit-not-nonreentrant",
    file: VAULT,
    description: "deposit loses nonReentrant: a token that re-enters deposit is credited twice for one transfer",
    find: "function deposit(uint256 amount) external nonReentrant {",
    replace: "function deposit(uint256 amount) external {",
    suites: [REENTRANCY],
  },

  {
    id: "vault-request-withdrawal-margin-dropped",
    file: VAULT,
    description: "requestWithdrawal no longer checks initial margin after the withdrawal",
    find: "emit WithdrawalRequested(msg.sender, amount, amountWad, readyAt);\n\n        _requireInitialMargin(msg.sender);",
    replace: "emit WithdrawalRequested(msg.sender, amount, amountWad, readyAt);",
    suites: ["test/contracts/vault/requestWithdrawal.test.ts", WITHDRAWAL_MARGIN],
  },
  {
    id: "vault-execute-withdrawal-margin-dropped",
    file: VAULT,
    description: "executeWithdrawal no longer re-checks initial margin at the current mark",
    find: "_requireInitialMargin(account);\n\n        delete _pending[account];",
    replace: "delete _pending[account];",
    suites: ["test/contracts/vault/executeWithdrawal.test.ts", WITHDRAWAL_MARGIN],
  },
  {
    id: "pm-initial-margin-check-dropped",
    file: PM,
    description: "the margin engine's requireInitialMargin passes an account below initial margin",
    find: "if (am.equityWad < int256(am.initialMarginWad)) {",
    replace: "if (false && am.equityWad < int256(am.initialMarginWad)) {",
    suites: [WITHDRAWAL_MARGIN],
  },
  {
    id: "vault-withdrawal-delay-dropped",
    file: VAULT,
    description: "a withdrawal executes before its delay has passed",
    find: "if (block.timestamp < pending.readyAt)",
    replace: "if (false && block.timestamp < pending.readyAt)",
    suites: ["test/contracts/vault/executeWithdrawal.test.ts"],
  },
  {
    id: "vault-settlement-not-zero-sum",
    file: VAULT,
    description: "settleBalances accepts deltas that do not sum to zero (value created or destroyed)",
    find: "if (sumWad != 0) revert VaultUnbalancedSettlement(sumWad);",
    replace: "if (false && sumWad != 0) revert VaultUnbalancedSettlement(sumWad);",
    suites: ["test/contracts/vault/settleBalances.test.ts"],
  },
];

/** Oracle guards (DESIGN §3). */
const oracleChecks: Mutant[] = [
  {
    id: "oracle-staleness-dropped",
    file: ORACLE,
    description: "a snapshot older than maxStaleness still reads as fresh",
    find: "return timestamp != 0 && block.timestamp <= uint256(timestamp) + maxStalenessSec;",
    replace: "return timestamp != 0;",
    suites: ["test/contracts/oracle/reads.test.ts"],
  },
  {
    id: "oracle-deviation-clamp-dropped",
    file: ORACLE,
    description: "a push may move the price by any amount from the last one",
    find: "if (priceWad.absDiff(lastWad) > maxDeltaWad) {",
    replace: "if (false && priceWad.absDiff(lastWad) > maxDeltaWad) {",
    suites: ["test/contracts/oracle/pushPrices.test.ts"],
  },
  {
    id: "oracle-timestamp-may-repeat",
    file: ORACLE,
    description: "a push may carry the same timestamp as the last one",
    find: "if (timestamp <= lastTimestamp) revert",
    replace: "if (timestamp < lastTimestamp) revert",
    suites: ["test/contracts/oracle/pushPrices.test.ts"],
  },
  {
    id: "oracle-mark-bounds-unchecked",
    file: ORACLE,
    description: "a pushed mark outside the market's price bounds is stored",
    find: "_checkBounds(marketId, g, markWad);",
    replace: "",
    suites: ["test/contracts/oracle/pushPrices.test.ts"],
  },
];

/** Role modifiers on privileged functions (DESIGN §13.16). */
const roleChecks: Mutant[] = [
  {
    id: "role-settle-batch-open",
    file: PM,
    description: "settleBatch without MATCHER_ROLE",
    find: ") external onlyRole(MATCHER_ROLE) nonReentrant {",
    replace: ") external nonReentrant {",
    suites: [BATCHES],
  },
  {
    id: "role-push-prices-open",
    file: ORACLE,
    description: "pushPrices without ORACLE_ROLE",
    find: ") external onlyRole(ORACLE_ROLE) {",
    replace: ") external {",
    suites: ["test/contracts/oracle/access.test.ts"],
  },
  {
    id: "role-apply-funding-open",
    file: PM,
    description: "applyFunding without FUNDING_ROLE",
    find: "function applyFunding(uint32 marketId, int256 fundingPerUnitWad) external onlyRole(FUNDING_ROLE) {",
    replace: "function applyFunding(uint32 marketId, int256 fundingPerUnitWad) external {",
    suites: [`${T}/accountActions.reverts.test.ts`, FUNDING],
  },
  {
    id: "role-vault-settle-balances-open",
    file: VAULT,
    description: "the vault's settleBalances without MARGIN_ENGINE_ROLE (anyone moves balances)",
    find: ") external onlyRole(MARGIN_ENGINE_ROLE) returns (int256[] memory balancesWad) {",
    replace: ") external returns (int256[] memory balancesWad) {",
    suites: ["test/contracts/vault/access.test.ts", "test/contracts/vault/settleBalances.test.ts"],
  },
  {
    id: "role-cover-bad-debt-open",
    file: FUND,
    description: "the insurance fund's coverBadDebt without MARGIN_ENGINE_ROLE",
    find: ") external onlyRole(MARGIN_ENGINE_ROLE) returns (uint256 coveredWad) {",
    replace: ") external returns (uint256 coveredWad) {",
    suites: ["test/contracts/insurance/admin.boundsAndAccess.test.ts"],
  },
  {
    id: "role-liquidate-on-book-open",
    file: PM,
    description: "liquidateOnBook without LIQUIDATOR_ROLE",
    find: ") external onlyRole(LIQUIDATOR_ROLE) nonReentrant {",
    replace: ") external nonReentrant {",
    suites: ["test/contracts/waterfall/book/liquidateOnBook.reverts.test.ts"],
  },
  {
    id: "role-auto-deleverage-open",
    file: PM,
    description: "autoDeleverage without ADL_ROLE",
    find: ") external onlyRole(ADL_ROLE) nonReentrant {",
    replace: ") external nonReentrant {",
    suites: ["test/contracts/waterfall/adl/autoDeleverage.reverts.test.ts"],
  },
  {
    id: "role-market-params-open",
    file: REGISTRY,
    description: "the registry's parameter setters without MARKET_ADMIN_ROLE",
    find: "        _checkRole(MARKET_ADMIN_ROLE);\n",
    replace: "",
    suites: ["test/contracts/registry/access.test.ts"],
  },
];

/** Liquidation waterfall (DESIGN §8) and insurance (DESIGN §3). */
const waterfallChecks: Mutant[] = [
  {
    id: "liquidation-book-healthy-check-dropped",
    file: BOOK,
    description: "liquidateOnBook closes an account at or above maintenance",
    find: "if (equityWad >= int256(maintenanceWad)) {",
    replace: "if (false && equityWad >= int256(maintenanceWad)) {",
    suites: ["test/contracts/waterfall/book/liquidateOnBook.onlyBelowMaintenance.test.ts"],
  },
  {
    id: "liquidation-backstop-healthy-check-dropped",
    file: WATERFALL,
    description: "backstopLiquidate takes over an account at or above maintenance",
    find: "if (equityWad >= int256(maintenanceWad)) {",
    replace: "if (false && equityWad >= int256(maintenanceWad)) {",
    suites: ["test/contracts/waterfall/backstop/backstopLiquidate.reverts.test.ts"],
  },
  {
    id: "liquidation-cooldown-dropped",
    file: BOOK,
    description: "a large position may be partially liquidated again within the cooldown",
    find: "if (last != 0 && block.timestamp < uint256(last) + lp.cooldownSec) {",
    replace: "if (false && last != 0 && block.timestamp < uint256(last) + lp.cooldownSec) {",
    suites: ["test/contracts/waterfall/book/liquidateOnBook.partialAboveThreshold.test.ts"],
  },
  {
    id: "liquidation-block-cap-dropped",
    file: BOOK,
    description: "the per-block liquidated-notional cap of a market is not enforced",
    find: "if (total > capWad) revert",
    replace: "if (false && total > capWad) revert",
    suites: ["test/contracts/waterfall/book/liquidateOnBook.reverts.test.ts"],
  },
  {
    id: "backstop-permissionless-window-dropped",
    file: WATERFALL,
    description: "anyone may call the backstop at once, without the flag and its window",
    find: "if (!byLiquidator) _requirePermissionless($, d, account, marketId);",
    replace: "",
    suites: ["test/contracts/waterfall/backstop/backstopLiquidate.permissionless.test.ts"],
  },
  {
    id: "backstop-exposure-cap-dropped",
    file: WATERFALL,
    description: "the backstop may take over past its per-market exposure cap",
    find: "if (exposureWad > capWad) revert",
    replace: "if (false && exposureWad > capWad) revert",
    suites: ["test/contracts/waterfall/backstop/backstopLiquidate.exposureCap.test.ts"],
  },
  {
    id: "insurance-draw-cap-dropped",
    file: FUND,
    description: "coverBadDebt ignores the per-block draw cap",
    find: "coveredWad = Math.min(amountWad, Math.min(availableWad_, _capLeft()));",
    replace: "coveredWad = Math.min(amountWad, availableWad_);",
    suites: ["test/contracts/insurance/coverBadDebt.drawCapPerBlock.test.ts"],
  },
  {
    id: "insurance-draws-not-accumulated",
    file: FUND,
    description: "the block's draws overwrite instead of adding up, so several draws pass the cap",
    find: "_drawnInBlockWad += coveredWad;",
    replace: "_drawnInBlockWad = coveredWad;",
    suites: ["test/contracts/insurance/coverBadDebt.drawsAddUpWithinBlock.test.ts"],
  },
  {
    id: "insurance-breaker-trips-at-threshold",
    file: FUND,
    description: "off-by-one: the circuit breaker trips at the threshold, not strictly above it",
    find: "if (b.drawnInWindowWad > thresholdWad) {",
    replace: "if (b.drawnInWindowWad >= thresholdWad) {",
    suites: ["test/contracts/insurance/coverBadDebt.circuitBreaker.test.ts"],
  },
  {
    id: "adl-insurance-can-cover-dropped",
    file: WATERFALL,
    description: "auto-deleveraging runs although the insurance fund could cover the deficit",
    find: "        _requireFundCannotCover(d, $, account, m, sizeWad, deficitWad);\n",
    replace: "",
    suites: ["test/contracts/waterfall/adl/autoDeleverage.reverts.test.ts"],
  },
  {
    id: "adl-same-side-counterparty-allowed",
    file: WATERFALL,
    description: "a counterparty on the bankrupt account's own side may be deleveraged",
    find: "(s.sizeWad > 0) == (sizeWad > 0) || ",
    replace: "",
    suites: [
      "test/contracts/waterfall/adl/autoDeleverage.counterpartyEligibility.test.ts",
      "test/contracts/waterfall/adl/autoDeleverage.refusesProfitableSameSide.test.ts",
    ],
  },
  {
    id: "waterfall-oi-not-reduced",
    file: LEDGER,
    description: "a waterfall or resolution trade that lowers open interest leaves it unchanged (only increases count)",
    find: "m.openInterestWad = m.openInterestWad + longSize(sizeAfterWad) - longSize(sizeBeforeWad);",
    replace:
      "if (longSize(sizeAfterWad) > longSize(sizeBeforeWad)) m.openInterestWad = m.openInterestWad + longSize(sizeAfterWad) - longSize(sizeBeforeWad);",
    suites: ["test/contracts/resolution/settlePosition.boundedMarket.test.ts"],
  },
];

/** Funding bounds (DESIGN §7) and resolution (DESIGN §9). */
const fundingAndResolution: Mutant[] = [
  {
    id: "funding-cap-dropped",
    file: PM,
    description: "applyFunding accepts a payment above fundingCap · reference price",
    find: "if (SignedMath.abs(fundingPerUnitWad) > maxAbsWad)",
    replace: "if (false && SignedMath.abs(fundingPerUnitWad) > maxAbsWad)",
    suites: [FUNDING],
  },
  {
    id: "funding-once-per-interval-dropped",
    file: PM,
    description: "applyFunding may be applied more than once per funding interval",
    find: "if (last != 0 && block.timestamp / params.fundingIntervalSec <= last / params.fundingIntervalSec) {",
    replace:
      "if (false && last != 0 && block.timestamp / params.fundingIntervalSec <= last / params.fundingIntervalSec) {",
    suites: [FUNDING],
  },
  {
    id: "resolution-dispute-window-dropped",
    file: RESOLUTION,
    description: "a proposed final price is finalized before its dispute window has passed",
    find: "if (block.timestamp < finalAt) revert IMarketResolution.ResolutionDisputeWindowOpen",
    replace: "if (false && block.timestamp < finalAt) revert IMarketResolution.ResolutionDisputeWindowOpen",
    suites: ["test/contracts/resolution/finalizeResolution.afterDisputeWindow.test.ts"],
  },
  {
    id: "resolution-dispute-after-window",
    file: RESOLUTION,
    description: "a final price can still be disputed after its dispute window closed",
    find: "if (block.timestamp >= finalAt) revert IMarketResolution.ResolutionDisputeWindowClosed",
    replace: "if (false && block.timestamp >= finalAt) revert IMarketResolution.ResolutionDisputeWindowClosed",
    suites: ["test/contracts/resolution/finalizeResolution.afterDisputeWindow.test.ts"],
  },
  {
    id: "resolution-haircut-ignores-insurance",
    file: RESOLUTION,
    description: "the haircut of winners ignores what the insurance fund covered",
    find: "r.haircutWad = Math.min(uncollectedWad - coverWad, r.totalClaimsWad);",
    replace: "r.haircutWad = Math.min(uncollectedWad, r.totalClaimsWad);",
    suites: ["test/contracts/resolution/claimSettlement.proRataHaircut.test.ts"],
  },
];

/** Every mutant, in run order. */
export const MUTANTS: readonly Mutant[] = [
  ...rounding,
  ...orderChecks,
  ...fillChecks,
  ...replayChecks,
  ...batchChecks,
  ...vaultChecks,
  ...oracleChecks,
  ...roleChecks,
  ...waterfallChecks,
  ...fundingAndResolution,
];
