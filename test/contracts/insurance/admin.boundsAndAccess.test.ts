/**
 * InsuranceFund administration (IInsuranceFund): the deploy's parameters read back through the views; each setter is
 * DEFAULT_ADMIN_ROLE only, emits the change and enforces its hard bounds (draw cap ≥ 1; breaker window 1 minute to
 * 30 days; threshold 1% to 100%) with InsuranceParamOutOfBounds — in the constructor too; `coverBadDebt` is the margin
 * engine's alone, and the PositionManager's reduce-only switch answers only the fund.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { deployKeel, useSolvencyInvariant } from "../../fixtures/keel";
import { BTC_USD, SENATE22_R, wad } from "../waterfall/backstop/helpers";

const MAX_UINT256 = ethers.MaxUint256;
const DAY = 86_400n;

describe("InsuranceFund administration", function () {
  useSolvencyInvariant();

  it("reads back the deploy's parameters", async function () {
    const f = await deployKeel();
    expect(await f.fund.positionManager()).to.equal(await f.pm.getAddress());
    expect(await f.pm.insuranceFund()).to.equal(await f.fund.getAddress());
    expect(await f.fund.maxDrawPerBlockWad()).to.equal(wad("1000000"));
    const [windowSec, thresholdWad] = await f.fund.breakerParams();
    expect(windowSec).to.equal(DAY);
    expect(thresholdWad).to.equal(wad("0.3"));
    expect(await f.fund.backstopExposureCap(BTC_USD)).to.equal(wad("5000000"));
    expect(await f.fund.backstopExposureCap(SENATE22_R)).to.equal(wad("500000"));
    // An empty fund with no position.
    expect(await f.fund.availableWad()).to.equal(0n);
    expect(await f.fund.coverableWad()).to.equal(0n);
    expect(await f.fund.drawnThisBlockWad()).to.equal(0n);
    expect(await f.fund.backstopExposure(BTC_USD)).to.equal(0n);
    expect((await f.fund.breaker(BTC_USD)).tripped).to.equal(false);
  });

  it("setMaxDrawPerBlock: at least 1, with the old and new value", async function () {
    const f = await deployKeel();
    await expect(f.fund.connect(f.deployer).setMaxDrawPerBlock(0))
      .to.be.revertedWithCustomError(f.fund, "InsuranceParamOutOfBounds")
      .withArgs("maxDrawPerBlockWad", 0n, 1n, MAX_UINT256);
    await expect(f.fund.connect(f.deployer).setMaxDrawPerBlock(1))
      .to.emit(f.fund, "DrawCapUpdated")
      .withArgs(wad("1000000"), 1n);
    expect(await f.fund.maxDrawPerBlockWad()).to.equal(1n);
    await expect(f.fund.connect(f.deployer).setMaxDrawPerBlock(MAX_UINT256))
      .to.emit(f.fund, "DrawCapUpdated")
      .withArgs(1n, MAX_UINT256);
  });

  it("setBreakerParams: window 60 s to 30 days, threshold 1% to 100%, ends included", async function () {
    const f = await deployKeel();
    const admin = f.fund.connect(f.deployer);
    await expect(admin.setBreakerParams(59, wad("0.3")))
      .to.be.revertedWithCustomError(f.fund, "InsuranceParamOutOfBounds")
      .withArgs("breakerWindowSec", 59n, 60n, 30n * DAY);
    await expect(admin.setBreakerParams(30n * DAY + 1n, wad("0.3")))
      .to.be.revertedWithCustomError(f.fund, "InsuranceParamOutOfBounds")
      .withArgs("breakerWindowSec", 30n * DAY + 1n, 60n, 30n * DAY);
    await expect(admin.setBreakerParams(DAY, wad("0.01") - 1n))
      .to.be.revertedWithCustomError(f.fund, "InsuranceParamOutOfBounds")
      .withArgs("breakerThresholdWad", wad("0.01") - 1n, wad("0.01"), wad("1"));
    await expect(admin.setBreakerParams(DAY, wad("1") + 1n))
      .to.be.revertedWithCustomError(f.fund, "InsuranceParamOutOfBounds")
      .withArgs("breakerThresholdWad", wad("1") + 1n, wad("0.01"), wad("1"));

    await expect(admin.setBreakerParams(60, wad("0.01")))
      .to.emit(f.fund, "BreakerParamsUpdated")
      .withArgs(60, wad("0.01"));
    await expect(admin.setBreakerParams(30n * DAY, wad("1")))
      .to.emit(f.fund, "BreakerParamsUpdated")
      .withArgs(30n * DAY, wad("1"));
    const [windowSec, thresholdWad] = await f.fund.breakerParams();
    expect(windowSec).to.equal(30n * DAY);
    expect(thresholdWad).to.equal(wad("1"));
  });

  it("setBackstopExposureCap: any value, 0 included, with the old and new value", async function () {
    const f = await deployKeel();
    await expect(f.fund.connect(f.deployer).setBackstopExposureCap(SENATE22_R, 0))
      .to.emit(f.fund, "ExposureCapUpdated")
      .withArgs(SENATE22_R, wad("500000"), 0n);
    expect(await f.fund.backstopExposureCap(SENATE22_R)).to.equal(0n);
    // A market not listed yet may get its cap ahead of time.
    await expect(f.fund.connect(f.deployer).setBackstopExposureCap(7, wad("1")))
      .to.emit(f.fund, "ExposureCapUpdated")
      .withArgs(7, 0n, wad("1"));
  });

  it("checks the constructor's parameters against the same bounds", async function () {
    const f = await deployKeel();
    const factory = await ethers.getContractFactory("InsuranceFund");
    const pm = await f.pm.getAddress();
    await expect(factory.deploy(pm, f.deployer.address, 0, DAY, wad("0.3")))
      .to.be.revertedWithCustomError(factory, "InsuranceParamOutOfBounds")
      .withArgs("maxDrawPerBlockWad", 0n, 1n, MAX_UINT256);
    await expect(factory.deploy(pm, f.deployer.address, wad("1"), 59, wad("0.3")))
      .to.be.revertedWithCustomError(factory, "InsuranceParamOutOfBounds")
      .withArgs("breakerWindowSec", 59n, 60n, 30n * DAY);
    await expect(factory.deploy(pm, f.deployer.address, wad("1"), DAY, 0))
      .to.be.revertedWithCustomError(factory, "InsuranceParamOutOfBounds")
      .withArgs("breakerThresholdWad", 0n, wad("0.01"), wad("1"));
  });

  it("refuses every admin setter and the reset to non-admins", async function () {
    const f = await deployKeel();
    const admin = await f.fund.DEFAULT_ADMIN_ROLE();
    const fund = f.fund.connect(f.outsider);
    const who = f.outsider.address;
    await expect(fund.setMaxDrawPerBlock(1))
      .to.be.revertedWithCustomError(f.fund, "AccessControlUnauthorizedAccount")
      .withArgs(who, admin);
    await expect(fund.setBackstopExposureCap(BTC_USD, 1))
      .to.be.revertedWithCustomError(f.fund, "AccessControlUnauthorizedAccount")
      .withArgs(who, admin);
    await expect(fund.setBreakerParams(DAY, wad("0.3")))
      .to.be.revertedWithCustomError(f.fund, "AccessControlUnauthorizedAccount")
      .withArgs(who, admin);
    await expect(fund.resetCircuitBreaker(BTC_USD))
      .to.be.revertedWithCustomError(f.fund, "AccessControlUnauthorizedAccount")
      .withArgs(who, admin);
  });

  it("resetCircuitBreaker reverts InsuranceBreakerNotTripped for an untripped market", async function () {
    const f = await deployKeel();
    await expect(f.fund.connect(f.deployer).resetCircuitBreaker(SENATE22_R))
      .to.be.revertedWithCustomError(f.fund, "InsuranceBreakerNotTripped")
      .withArgs(SENATE22_R);
  });

  it("coverBadDebt answers only the margin engine; setMarketReduceOnly only the fund", async function () {
    const f = await deployKeel();
    // The deployer holds every role but MARGIN_ENGINE_ROLE, which is the PositionManager's alone.
    await expect(f.fund.connect(f.deployer).coverBadDebt(BTC_USD, 1))
      .to.be.revertedWithCustomError(f.fund, "AccessControlUnauthorizedAccount")
      .withArgs(f.deployer.address, await f.fund.MARGIN_ENGINE_ROLE());
    expect(await f.fund.hasRole(await f.fund.MARGIN_ENGINE_ROLE(), await f.pm.getAddress())).to.equal(true);
    await expect(f.pm.connect(f.deployer).setMarketReduceOnly(BTC_USD, true))
      .to.be.revertedWithCustomError(f.pm, "CircuitBreakerCallerNotFund")
      .withArgs(f.deployer.address);
    await expect(f.pm.connect(f.outsider).setMarketReduceOnly(BTC_USD, false))
      .to.be.revertedWithCustomError(f.pm, "CircuitBreakerCallerNotFund")
      .withArgs(f.outsider.address);
    expect(await f.pm.marketReduceOnly(BTC_USD)).to.equal(false);
  });
});
