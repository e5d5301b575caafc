// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";
import {AccountMargin, IPositionManager, Order} from "./interfaces/IPositionManager.sol";
import {IOracleRegistry} from "./interfaces/IOracleRegistry.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title InsuranceFund
/// @notice The insurance fund and backstop account of Keel. See {IInsuranceFund}.
/// @dev This contract's address is the fund's vault account and the backstop account that holds taken-over positions.
contract InsuranceFund is IInsuranceFund, IERC1271, AccessControl {
    /// @notice See {Roles-MARGIN_ENGINE_ROLE}: the PositionManager, which asks the fund to cover bad debt.
    bytes32 public constant MARGIN_ENGINE_ROLE = Roles.MARGIN_ENGINE_ROLE;
    /// @notice See {Roles-BACKSTOP_OPERATOR_ROLE}: keys whose signatures are the fund's (unwind orders).
    bytes32 public constant BACKSTOP_OPERATOR_ROLE = Roles.BACKSTOP_OPERATOR_ROLE;
    /// @notice Shortest and longest circuit-breaker window the admin may set.
    uint64 public constant MIN_BREAKER_WINDOW = 1 minutes;
    uint64 public constant MAX_BREAKER_WINDOW = 30 days;
    /// @notice Lowest circuit-breaker threshold (fraction of the fund, wad) the admin may set.
    uint256 public constant MIN_BREAKER_THRESHOLD_WAD = 0.01e18;

    uint256 private constant WAD = 1e18;

    IPositionManager private immutable _manager;

    uint256 private _maxDrawPerBlockWad;
    uint64 private _drawBlock;
    uint256 private _drawnInBlockWad;
    uint64 private _breakerWindowSec;
    uint256 private _breakerThresholdWad;
    mapping(uint32 => uint256) private _exposureCapWad;
    mapping(uint32 => Breaker) private _breakers;

    /// @param manager The PositionManager (grant it `MARGIN_ENGINE_ROLE`, and make this contract its insurance fund).
    /// @param admin Holder of `DEFAULT_ADMIN_ROLE` (a `TimelockController` on real networks).
    /// @param maxDrawPerBlockWad_ Initial per-block draw cap (wad).
    /// @param breakerWindowSec Initial circuit-breaker window.
    /// @param breakerThresholdWad Initial circuit-breaker threshold (fraction of the fund, wad).
    constructor(
        IPositionManager manager,
        address admin,
        uint256 maxDrawPerBlockWad_,
        uint64 breakerWindowSec,
        uint256 breakerThresholdWad
    ) {
        _manager = manager;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setMaxDrawPerBlock(maxDrawPerBlockWad_);
        _setBreakerParams(breakerWindowSec, breakerThresholdWad);
    }

    /* MARGIN ENGINE */

    /// @inheritdoc IInsuranceFund
    function coverBadDebt(
        uint32 marketId,
        uint256 amountWad
    ) external onlyRole(MARGIN_ENGINE_ROLE) returns (uint256 coveredWad) {
        uint256 availableWad_ = _available();
        coveredWad = Math.min(amountWad, Math.min(availableWad_, _capLeft()));
        if (_drawBlock != block.number) {
            _drawBlock = uint64(block.number);
            _drawnInBlockWad = 0;
        }
        _drawnInBlockWad += coveredWad;
        emit BadDebtCovered(marketId, amountWad, coveredWad);
        if (coveredWad != 0) _recordDrawdown(marketId, coveredWad, availableWad_);
    }

    /* ERC-1271 */

    /// @notice The fund's signature: valid when an ECDSA signature of `hash` recovers to a `BACKSTOP_OPERATOR_ROLE`
    ///         key. The PositionManager fills the fund's orders as reduce-only only, so such a key can unwind the
    ///         backstop's positions but never grow them.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        if (err == ECDSA.RecoverError.NoError && hasRole(BACKSTOP_OPERATOR_ROLE, signer)) {
            return IERC1271.isValidSignature.selector;
        }
        return 0xffffffff;
    }

    /* BACKSTOP OPERATOR */

    /// @inheritdoc IInsuranceFund
    function cancelOrder(Order calldata order) external onlyRole(BACKSTOP_OPERATOR_ROLE) {
        _manager.cancelOrder(order);
    }

    /// @inheritdoc IInsuranceFund
    function cancelUpTo(uint64 nonce) external onlyRole(BACKSTOP_OPERATOR_ROLE) {
        _manager.cancelUpTo(address(this), nonce);
    }

    /* ADMIN */

    /// @inheritdoc IInsuranceFund
    function setMaxDrawPerBlock(uint256 capWad) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxDrawPerBlock(capWad);
    }

    /// @inheritdoc IInsuranceFund
    function setBackstopExposureCap(uint32 marketId, uint256 capWad) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit ExposureCapUpdated(marketId, _exposureCapWad[marketId], capWad);
        _exposureCapWad[marketId] = capWad;
    }

    /// @inheritdoc IInsuranceFund
    function setBreakerParams(uint64 windowSec, uint256 thresholdWad) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setBreakerParams(windowSec, thresholdWad);
    }

    /// @inheritdoc IInsuranceFund
    function resetCircuitBreaker(uint32 marketId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Breaker storage b = _breakers[marketId];
        if (!b.tripped) revert InsuranceBreakerNotTripped(marketId);
        delete _breakers[marketId];
        emit CircuitBreakerReset(marketId);
        _manager.setMarketReduceOnly(marketId, false);
    }

    /* VIEWS */

    /// @inheritdoc IInsuranceFund
    function availableWad() external view returns (uint256) {
        return _available();
    }

    /// @inheritdoc IInsuranceFund
    function coverableWad() external view returns (uint256) {
        return Math.min(_available(), _capLeft());
    }

    /// @inheritdoc IInsuranceFund
    function drawnThisBlockWad() external view returns (uint256) {
        return _drawBlock == block.number ? _drawnInBlockWad : 0;
    }

    /// @inheritdoc IInsuranceFund
    function maxDrawPerBlockWad() external view returns (uint256) {
        return _maxDrawPerBlockWad;
    }

    /// @inheritdoc IInsuranceFund
    function backstopExposureCap(uint32 marketId) external view returns (uint256) {
        return _exposureCapWad[marketId];
    }

    /// @inheritdoc IInsuranceFund
    function backstopExposure(uint32 marketId) external view returns (uint256) {
        int256 sizeWad = _manager.position(address(this), marketId).sizeWad;
        if (sizeWad == 0) return 0;
        uint256 markWad = IOracleRegistry(_manager.oracle()).markPrice(marketId);
        return Math.mulDiv(SignedMath.abs(sizeWad), markWad, WAD, Math.Rounding.Ceil);
    }

    /// @inheritdoc IInsuranceFund
    function breakerParams() external view returns (uint64 windowSec, uint256 thresholdWad) {
        return (_breakerWindowSec, _breakerThresholdWad);
    }

    /// @inheritdoc IInsuranceFund
    function breaker(uint32 marketId) external view returns (Breaker memory) {
        return _breakers[marketId];
    }

    /// @inheritdoc IInsuranceFund
    function positionManager() external view returns (address) {
        return address(_manager);
    }

    /* INTERNAL */

    /// @dev Equity (balance + backstop positions at the mark) minus their maintenance margin, and never more than the
    ///      balance itself (unrealized profit of backstop positions is not cash: the balance never goes negative by a
    ///      draw, DESIGN §13.14); floored at 0.
    function _available() private view returns (uint256) {
        AccountMargin memory am = _manager.accountMargin(address(this));
        int256 freeWad = SignedMath.min(am.equityWad - int256(am.maintenanceMarginWad), am.balanceWad);
        return freeWad > 0 ? uint256(freeWad) : 0;
    }

    function _capLeft() private view returns (uint256) {
        uint256 drawn = _drawBlock == block.number ? _drawnInBlockWad : 0;
        return _maxDrawPerBlockWad > drawn ? _maxDrawPerBlockWad - drawn : 0;
    }

    /// @dev Adds a draw to the market's window (a new window starts when the last one is over, measured against the
    ///      fund available before this draw) and trips the breaker when the window's draws pass the threshold.
    function _recordDrawdown(uint32 marketId, uint256 drawnWad, uint256 availableBeforeWad) private {
        Breaker storage b = _breakers[marketId];
        if (b.windowStartedAt == 0 || block.timestamp >= uint256(b.windowStartedAt) + _breakerWindowSec) {
            b.windowStartedAt = uint64(block.timestamp);
            b.windowStartAvailableWad = availableBeforeWad;
            b.drawnInWindowWad = 0;
        }
        b.drawnInWindowWad += drawnWad;
        if (b.tripped) return;
        uint256 thresholdWad = Math.mulDiv(b.windowStartAvailableWad, _breakerThresholdWad, WAD);
        if (b.drawnInWindowWad > thresholdWad) {
            b.tripped = true;
            emit CircuitBreakerTripped(marketId, b.drawnInWindowWad, b.windowStartAvailableWad);
            _manager.setMarketReduceOnly(marketId, true);
        }
    }

    function _setMaxDrawPerBlock(uint256 capWad) private {
        if (capWad == 0) revert InsuranceParamOutOfBounds("maxDrawPerBlockWad", capWad, 1, type(uint256).max);
        emit DrawCapUpdated(_maxDrawPerBlockWad, capWad);
        _maxDrawPerBlockWad = capWad;
    }

    function _setBreakerParams(uint64 windowSec, uint256 thresholdWad) private {
        if (windowSec < MIN_BREAKER_WINDOW || windowSec > MAX_BREAKER_WINDOW) {
            revert InsuranceParamOutOfBounds("breakerWindowSec", windowSec, MIN_BREAKER_WINDOW, MAX_BREAKER_WINDOW);
        }
        if (thresholdWad < MIN_BREAKER_THRESHOLD_WAD || thresholdWad > WAD) {
            revert InsuranceParamOutOfBounds("breakerThresholdWad", thresholdWad, MIN_BREAKER_THRESHOLD_WAD, WAD);
        }
        _breakerWindowSec = windowSec;
        _breakerThresholdWad = thresholdWad;
        emit BreakerParamsUpdated(windowSec, thresholdWad);
    }
}
