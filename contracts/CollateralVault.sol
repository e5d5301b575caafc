// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IMarginEngine} from "./interfaces/IMarginEngine.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title CollateralVault
/// @notice USDC custody and the signed USD balance of every account. See {ICollateralVault}.
contract CollateralVault is ICollateralVault, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @notice See {Roles-MARGIN_ENGINE_ROLE}.
    bytes32 public constant MARGIN_ENGINE_ROLE = Roles.MARGIN_ENGINE_ROLE;
    /// @notice Shortest withdrawal delay the admin may set.
    uint64 public constant MIN_WITHDRAWAL_DELAY = 10 seconds;
    /// @notice Longest withdrawal delay the admin may set.
    uint64 public constant MAX_WITHDRAWAL_DELAY = 7 days;

    IERC20 private immutable _token;
    /// @dev 10^(18 − token decimals): one token unit in wad.
    uint256 private immutable _scale;

    mapping(address => int256) private _balances;
    mapping(address => PendingWithdrawal) private _pending;
    uint256 private _totalCreditWad;
    uint256 private _totalDebtWad;
    uint256 private _totalPendingWad;
    uint64 private _withdrawalDelay;
    address private _marginEngine;

    /// @param token The collateral token (USDC; at most 18 decimals).
    /// @param admin Holder of `DEFAULT_ADMIN_ROLE` (a `TimelockController` on real networks).
    /// @param withdrawalDelaySec Initial withdrawal delay, within the hard bounds.
    constructor(IERC20Metadata token, address admin, uint64 withdrawalDelaySec) {
        uint8 decimals = token.decimals();
        if (decimals > 18) revert VaultUnsupportedDecimals(decimals);
        _token = token;
        _scale = 10 ** (18 - decimals);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setWithdrawalDelay(withdrawalDelaySec);
    }

    /* DEPOSITS */

    /// @inheritdoc ICollateralVault
    function deposit(uint256 amount) external nonReentrant {
        _deposit(msg.sender, amount);
    }

    /// @inheritdoc ICollateralVault
    function depositFor(address account, uint256 amount) external nonReentrant {
        _deposit(account, amount);
    }

    /// @inheritdoc ICollateralVault
    function depositWithPermit(
        address account,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // A permit can be front-run (its signature is public once in the mempool); the deposit must not fail for
        // that. If the permit was not applied and the allowance is short, transferFrom reverts with the token's error.
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(address(_token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _deposit(account, amount);
    }

    /* WITHDRAWALS */

    /// @inheritdoc ICollateralVault
    function requestWithdrawal(uint256 amount) external nonReentrant {
        if (amount == 0) revert VaultZeroAmount();
        PendingWithdrawal storage pending = _pending[msg.sender];
        if (pending.amount != 0) revert VaultWithdrawalPending(msg.sender, pending.amount, pending.readyAt);
        uint256 amountWad = _toWad(amount);
        int256 balance = _balances[msg.sender];
        if (balance < 0 || uint256(balance) < amountWad) {
            revert VaultInsufficientBalance(msg.sender, balance, amountWad);
        }

        uint64 readyAt = uint64(block.timestamp) + _withdrawalDelay;
        // amount ≤ balance / scale < 2^128 for any real token supply; SafeCast guards the rest.
        pending.amount = amount.toUint128();
        pending.readyAt = readyAt;
        _totalPendingWad += amountWad;
        _moveBalance(msg.sender, -amountWad.toInt256());
        emit WithdrawalRequested(msg.sender, amount, amountWad, readyAt);

        _requireInitialMargin(msg.sender);
    }

    /// @inheritdoc ICollateralVault
    function cancelWithdrawal() external nonReentrant {
        if (_releasePending(msg.sender) == 0) revert VaultNoPendingWithdrawal(msg.sender);
    }

    /// @inheritdoc ICollateralVault
    function executeWithdrawal(address account) external nonReentrant {
        PendingWithdrawal memory pending = _pending[account];
        if (pending.amount == 0) revert VaultNoPendingWithdrawal(account);
        if (block.timestamp < pending.readyAt)
            revert VaultWithdrawalNotReady(account, pending.readyAt, block.timestamp);
        uint256 amountWad = _toWad(pending.amount);
        int256 balance = _balances[account];
        // The pending amount must not be needed to cover a loss booked since the request.
        if (balance < 0) revert VaultInsufficientBalance(account, balance, amountWad);
        _requireInitialMargin(account);

        delete _pending[account];
        _totalPendingWad -= amountWad;
        _token.safeTransfer(account, pending.amount);
        emit WithdrawalExecuted(account, pending.amount, msg.sender);
    }

    /* MARGIN ENGINE */

    /// @inheritdoc ICollateralVault
    function settleBalances(
        address[] calldata accounts,
        int256[] calldata deltasWad
    ) external onlyRole(MARGIN_ENGINE_ROLE) returns (int256[] memory balancesWad) {
        uint256 length = accounts.length;
        if (length != deltasWad.length) revert VaultLengthMismatch(length, deltasWad.length);
        balancesWad = new int256[](length);
        int256 sumWad;
        int256 creditChangeWad;
        int256 debtChangeWad;
        for (uint256 i; i < length; ++i) {
            if (accounts[i] == address(0)) revert VaultInvalidAccount(address(0));
            sumWad += deltasWad[i];
            (int256 newBalance, int256 creditChange, int256 debtChange) = _shift(accounts[i], deltasWad[i]);
            balancesWad[i] = newBalance;
            creditChangeWad += creditChange;
            debtChangeWad += debtChange;
        }
        if (sumWad != 0) revert VaultUnbalancedSettlement(sumWad);
        _applyTotals(creditChangeWad, debtChangeWad);
        emit BalancesSettled(msg.sender, accounts, deltasWad);
    }

    /// @inheritdoc ICollateralVault
    function releaseWithdrawal(address account) external onlyRole(MARGIN_ENGINE_ROLE) returns (uint256 amountWad) {
        return _releasePending(account);
    }

    /* ADMIN */

    /// @inheritdoc ICollateralVault
    function setWithdrawalDelay(uint64 delaySec) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setWithdrawalDelay(delaySec);
    }

    /// @inheritdoc ICollateralVault
    function setMarginEngine(address engine) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (engine != address(0) && engine.code.length == 0) revert VaultMarginEngineWithoutCode(engine);
        emit MarginEngineUpdated(_marginEngine, engine);
        _marginEngine = engine;
    }

    /* VIEWS */

    /// @inheritdoc ICollateralVault
    function collateralToken() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc ICollateralVault
    function balanceWad(address account) external view returns (int256) {
        return _balances[account];
    }

    /// @inheritdoc ICollateralVault
    function pendingWithdrawal(address account) external view returns (PendingWithdrawal memory) {
        return _pending[account];
    }

    /// @inheritdoc ICollateralVault
    function withdrawalDelay() external view returns (uint64) {
        return _withdrawalDelay;
    }

    /// @inheritdoc ICollateralVault
    function marginEngine() external view returns (address) {
        return _marginEngine;
    }

    /// @inheritdoc ICollateralVault
    function totalCreditWad() external view returns (uint256) {
        return _totalCreditWad;
    }

    /// @inheritdoc ICollateralVault
    function totalDebtWad() external view returns (uint256) {
        return _totalDebtWad;
    }

    /// @inheritdoc ICollateralVault
    function totalPendingWad() external view returns (uint256) {
        return _totalPendingWad;
    }

    /// @inheritdoc ICollateralVault
    function surplusWad() external view returns (int256) {
        int256 heldWad = _toWad(_token.balanceOf(address(this))).toInt256();
        return heldWad - (_totalCreditWad.toInt256() - _totalDebtWad.toInt256() + _totalPendingWad.toInt256());
    }

    /// @inheritdoc ICollateralVault
    function toWad(uint256 amount) external view returns (uint256) {
        return _toWad(amount);
    }

    /// @inheritdoc ICollateralVault
    function toTokenAmount(uint256 amountWad) external view returns (uint256) {
        return _toTokenAmount(amountWad);
    }

    /* INTERNAL */

    function _deposit(address account, uint256 amount) private {
        if (account == address(0)) revert VaultInvalidAccount(account);
        if (amount == 0) revert VaultZeroAmount();
        // Credit what arrived, not what was asked: a fee-on-transfer token delivers less.
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received == 0) revert VaultZeroAmount();
        // A balance is an int256 of wad: beyond that the scaling would overflow (a Panic) or the cast fail.
        uint256 maxAmount = uint256(type(int256).max) / _scale;
        if (received > maxAmount) revert VaultAmountTooLarge(received, maxAmount);
        uint256 creditedWad = _toWad(received);
        _moveBalance(account, creditedWad.toInt256());
        emit Deposited(account, msg.sender, received, creditedWad);
    }

    /// @dev Returns the pending withdrawal of `account` to its balance; 0 if none was pending.
    function _releasePending(address account) private returns (uint256 amountWad) {
        uint256 amount = _pending[account].amount;
        if (amount == 0) return 0;
        amountWad = _toWad(amount);
        delete _pending[account];
        _totalPendingWad -= amountWad;
        _moveBalance(account, amountWad.toInt256());
        emit WithdrawalCancelled(account, amount, amountWad, msg.sender);
    }

    /// @dev Adds `deltaWad` to one balance, keeping the credit and debt totals equal to the sum of their parts.
    function _moveBalance(address account, int256 deltaWad) private {
        (, int256 creditChange, int256 debtChange) = _shift(account, deltaWad);
        _applyTotals(creditChange, debtChange);
    }

    /// @dev Adds `deltaWad` to one balance and returns how the credit and debt totals must change (not applied).
    function _shift(
        address account,
        int256 deltaWad
    ) private returns (int256 newBalance, int256 creditChangeWad, int256 debtChangeWad) {
        int256 oldBalance = _balances[account];
        newBalance = oldBalance + deltaWad;
        _balances[account] = newBalance;
        creditChangeWad = _credit(newBalance) - _credit(oldBalance);
        debtChangeWad = _debt(newBalance) - _debt(oldBalance);
    }

    function _applyTotals(int256 creditChangeWad, int256 debtChangeWad) private {
        if (creditChangeWad != 0) _totalCreditWad = (_totalCreditWad.toInt256() + creditChangeWad).toUint256();
        if (debtChangeWad != 0) _totalDebtWad = (_totalDebtWad.toInt256() + debtChangeWad).toUint256();
    }

    function _requireInitialMargin(address account) private view {
        address engine = _marginEngine;
        if (engine != address(0)) IMarginEngine(engine).requireInitialMargin(account);
    }

    function _setWithdrawalDelay(uint64 delaySec) private {
        if (delaySec < MIN_WITHDRAWAL_DELAY || delaySec > MAX_WITHDRAWAL_DELAY) {
            revert VaultParamOutOfBounds("withdrawalDelay", delaySec, MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY);
        }
        emit WithdrawalDelayUpdated(_withdrawalDelay, delaySec);
        _withdrawalDelay = delaySec;
    }

    /// @dev The one conversion from token units to USD wad: exact (scaling up loses nothing).
    function _toWad(uint256 amount) private view returns (uint256) {
        return amount * _scale;
    }

    /// @dev The one conversion from USD wad to token units: rounded down (a credit to the user never rounds up).
    function _toTokenAmount(uint256 amountWad) private view returns (uint256) {
        return amountWad / _scale;
    }

    function _credit(int256 balance) private pure returns (int256) {
        return balance > 0 ? balance : int256(0);
    }

    function _debt(int256 balance) private pure returns (int256) {
        return balance < 0 ? -balance : int256(0);
    }
}
