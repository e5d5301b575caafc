// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ICollateralVault
/// @notice USDC custody for Keel (DESIGN §3). Balances are signed USD amounts in wad (1e18 = 1 USD); token amounts at
///         the edge are in token units (USDC: 1e6). This contract is the only place that converts between the two.
/// @dev Invariant (DESIGN §13.1): `token.balanceOf(vault)` scaled to wad ≥ totalCreditWad − totalDebtWad +
///      totalPendingWad, with equality unless tokens were sent to the vault without a deposit.
/// @dev Warning: a fee-on-transfer token is credited with what the vault actually received, never the amount asked.
interface ICollateralVault {
    /// @notice A withdrawal request waiting for its delay.
    struct PendingWithdrawal {
        /// Token units to pay out.
        uint128 amount;
        /// Block time from which `executeWithdrawal` may pay it.
        uint64 readyAt;
    }

    /* ERRORS */

    /// @notice An amount of zero was given (or a deposit delivered no tokens).
    error VaultZeroAmount();
    /// @notice `account` is the zero address.
    error VaultInvalidAccount(address account);
    /// @notice The token has more than 18 decimals, which wad cannot represent exactly.
    error VaultUnsupportedDecimals(uint8 decimals);
    /// @notice `account` holds `balanceWad`, less than the `amountWad` it asked to withdraw.
    error VaultInsufficientBalance(address account, int256 balanceWad, uint256 amountWad);
    /// @notice `account` already has a pending withdrawal; cancel it first.
    error VaultWithdrawalPending(address account, uint256 amount, uint64 readyAt);
    /// @notice `account` has no pending withdrawal.
    error VaultNoPendingWithdrawal(address account);
    /// @notice The withdrawal of `account` becomes executable at `readyAt`; it is now `nowTimestamp`.
    error VaultWithdrawalNotReady(address account, uint64 readyAt, uint256 nowTimestamp);
    /// @notice A balance settlement's deltas add up to `sumWad` instead of zero: value would be created or destroyed.
    error VaultUnbalancedSettlement(int256 sumWad);
    /// @notice `accountsLength` accounts were given with `deltasLength` deltas.
    error VaultLengthMismatch(uint256 accountsLength, uint256 deltasLength);
    /// @notice `engine` is neither the zero address nor a contract, so it could not answer margin checks.
    error VaultMarginEngineWithoutCode(address engine);
    /// @notice The parameter `param` is `value`, outside its hard bounds [`min`, `max`].
    error VaultParamOutOfBounds(string param, uint256 value, uint256 min, uint256 max);
    /// @notice A deposit delivered `amount` token units, more than the `maxAmount` whose wad value a balance can hold.
    error VaultAmountTooLarge(uint256 amount, uint256 maxAmount);

    /* EVENTS */

    /// @notice `payer` deposited for `account`: `amount` token units arrived and `creditedWad` was credited.
    event Deposited(address indexed account, address indexed payer, uint256 amount, uint256 creditedWad);
    /// @notice `account` asked to withdraw `amount` token units, executable from `readyAt`.
    event WithdrawalRequested(address indexed account, uint256 amount, uint256 amountWad, uint64 readyAt);
    /// @notice The pending withdrawal of `account` went back into its balance (by the account, or by the margin
    ///         engine when the account needs it to cover losses).
    event WithdrawalCancelled(address indexed account, uint256 amount, uint256 amountWad, address indexed by);
    /// @notice `amount` token units were sent to `account` (a fee-on-transfer token delivers less).
    event WithdrawalExecuted(address indexed account, uint256 amount, address indexed executor);
    /// @notice The margin engine moved money between accounts: each account's balance changed by its delta.
    /// @dev One event per settlement (not per account) to keep batched settlement cheap; the deltas add up to zero.
    event BalancesSettled(address indexed engine, address[] accounts, int256[] deltasWad);
    /// @notice The withdrawal delay changed.
    event WithdrawalDelayUpdated(uint64 oldDelaySec, uint64 newDelaySec);
    /// @notice The margin engine consulted for withdrawals changed.
    event MarginEngineUpdated(address oldEngine, address newEngine);

    /* DEPOSITS */

    /// @notice Deposits `amount` token units from the caller into the caller's account.
    /// @dev Needs an allowance. Credits the balance delta the vault actually received, rounded down to wad exactly
    ///      (token units scale up without loss). Reverts `VaultZeroAmount`, or `VaultAmountTooLarge` when the amount
    ///      received is worth more than int256's largest wad.
    function deposit(uint256 amount) external;

    /// @notice Deposits `amount` token units from the caller into `account`.
    /// @dev Reverts `VaultZeroAmount`, `VaultInvalidAccount`.
    function depositFor(address account, uint256 amount) external;

    /// @notice Deposits `amount` token units from the caller into `account`, approving with an EIP-2612 permit
    ///         signed by the caller for this vault.
    /// @dev A permit already used (e.g. front-run) is ignored when the allowance suffices.
    ///      Reverts `VaultZeroAmount`, `VaultInvalidAccount`, or the token's error when the allowance is short.
    function depositWithPermit(
        address account,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /* WITHDRAWALS */

    /// @notice Starts a withdrawal of `amount` token units from the caller's balance, executable after
    ///         `withdrawalDelay()`. The amount leaves the balance at once: it no longer backs new risk, but still
    ///         counts for maintenance and the margin engine may take it back to cover losses.
    /// @dev Requires the balance to stay ≥ 0 and the margin engine's initial-margin check to pass.
    ///      Reverts `VaultZeroAmount`, `VaultWithdrawalPending`, `VaultInsufficientBalance`, or the engine's error.
    function requestWithdrawal(uint256 amount) external;

    /// @notice Returns the caller's pending withdrawal to its balance.
    /// @dev Reverts `VaultNoPendingWithdrawal`.
    function cancelWithdrawal() external;

    /// @notice Pays `account`'s pending withdrawal to `account` once its delay has passed; anyone may call it, no
    ///         operator is needed.
    /// @dev Re-checks margin at the on-chain mark: the balance must be ≥ 0 and the engine's initial-margin check must
    ///      pass. Reverts `VaultNoPendingWithdrawal`, `VaultWithdrawalNotReady`, `VaultInsufficientBalance`, or the
    ///      engine's error.
    function executeWithdrawal(address account) external;

    /* MARGIN ENGINE (MARGIN_ENGINE_ROLE) */

    /// @notice Moves money between accounts: adds `deltasWad[i]` to the balance of `accounts[i]`.
    /// @dev The deltas must add up to exactly zero (rounding dust is assigned by the engine to the protocol).
    ///      Balances may go negative (bad debt). An account may appear more than once; the zero address may not.
    ///      Reverts `VaultLengthMismatch`, `VaultInvalidAccount`, `VaultUnbalancedSettlement`.
    /// @return balancesWad The balance of each account after its delta.
    function settleBalances(
        address[] calldata accounts,
        int256[] calldata deltasWad
    ) external returns (int256[] memory balancesWad);

    /// @notice Returns `account`'s pending withdrawal, if any, to its balance so that it covers losses.
    /// @return amountWad What went back into the balance (0 when nothing was pending).
    function releaseWithdrawal(address account) external returns (uint256 amountWad);

    /* ADMIN (DEFAULT_ADMIN_ROLE) */

    /// @notice Sets the withdrawal delay, within [`MIN_WITHDRAWAL_DELAY`, `MAX_WITHDRAWAL_DELAY`].
    /// @dev Applies to requests made after the change. Reverts `VaultParamOutOfBounds`.
    function setWithdrawalDelay(uint64 delaySec) external;

    /// @notice Sets the margin engine consulted before withdrawals (the zero address: no positions exist).
    /// @dev Reverts `VaultMarginEngineWithoutCode` for an address with no code, which would block every withdrawal.
    function setMarginEngine(address engine) external;

    /* VIEWS */

    /// @notice The collateral token (USDC).
    function collateralToken() external view returns (address);
    /// @notice Signed balance of `account` (USD, wad); negative is debt.
    function balanceWad(address account) external view returns (int256);
    /// @notice The pending withdrawal of `account` (amount 0 when none).
    function pendingWithdrawal(address account) external view returns (PendingWithdrawal memory);
    /// @notice Seconds between a withdrawal request and its execution.
    function withdrawalDelay() external view returns (uint64);
    /// @notice The margin engine consulted before withdrawals.
    function marginEngine() external view returns (address);
    /// @notice Σ of positive balances (USD, wad).
    function totalCreditWad() external view returns (uint256);
    /// @notice Σ of |negative balances|: recorded bad debt (USD, wad).
    function totalDebtWad() external view returns (uint256);
    /// @notice Σ of pending withdrawals (USD, wad).
    function totalPendingWad() external view returns (uint256);
    /// @notice Token holdings minus everything owed: tokens in wad − (credit − debt + pending). Never negative.
    function surplusWad() external view returns (int256);
    /// @notice `amount` token units in USD wad (exact).
    function toWad(uint256 amount) external view returns (uint256);
    /// @notice `amountWad` USD wad in token units, rounded down.
    function toTokenAmount(uint256 amountWad) external view returns (uint256);
}
