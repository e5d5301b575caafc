import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { MarketRegistry } from "../../../keepers/sdk/typechain";
import { BTC_USD, deployKeel } from "../../fixtures/keel";
import { GROUPS, GROUP_NAMES, MarketKind, UNKNOWN_ID, baseConfig, baseGroup, listDraft, setGroup } from "./helpers";

type Role = "MARKET_ADMIN_ROLE" | "RESOLVER_ROLE";

/** A privileged call the role holder (the deployer) could make right now, sent by `signer`. */
interface Privileged {
  name: string;
  role: Role;
  call: (registry: MarketRegistry, signer: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
}

/** Market 3, listed in Draft by the deployer before each call. */
const DRAFT = 3;

const PRIVILEGED: Privileged[] = [
  {
    name: "listMarket",
    role: "MARKET_ADMIN_ROLE",
    call: (r, s) => r.connect(s).listMarket("ETH-USD", MarketKind.Asset, baseConfig(MarketKind.Asset)),
  },
  { name: "activateMarket", role: "MARKET_ADMIN_ROLE", call: (r, s) => r.connect(s).activateMarket(DRAFT) },
  ...GROUP_NAMES.map((group): Privileged => ({
    name: GROUPS[group].setter,
    role: "MARKET_ADMIN_ROLE",
    call: (r, s) => setGroup(r, group, BTC_USD, baseGroup(group, MarketKind.Asset), s),
  })),
  { name: "beginResolving", role: "RESOLVER_ROLE", call: (r, s) => r.connect(s).beginResolving(BTC_USD) },
];

describe("MarketRegistry access control", function () {
  for (const { name, role, call } of PRIVILEGED) {
    it(`${name} reverts AccessControlUnauthorizedAccount(caller, ${role}) without ${role}`, async function () {
      const { registry, deployer, outsider } = await deployKeel();
      expect(await listDraft(registry)).to.equal(DRAFT);
      await expect(call(registry, outsider))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await registry[role]());
      // The role is the only thing missing: the holder's identical call goes through.
      await expect(call(registry, deployer)).to.not.be.reverted;
    });
  }

  it("checks the role before the market id", async function () {
    const { registry, outsider } = await deployKeel();
    const role = await registry.MARKET_ADMIN_ROLE();
    const calls = [
      () => registry.connect(outsider).activateMarket(UNKNOWN_ID),
      ...GROUP_NAMES.map((g) => () => setGroup(registry, g, UNKNOWN_ID, baseGroup(g, MarketKind.Asset), outsider)),
    ];
    for (const call of calls) {
      await expect(call())
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, role);
    }
    await expect(registry.connect(outsider).beginResolving(UNKNOWN_ID))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(outsider.address, await registry.RESOLVER_ROLE());
  });

  it("keeps the two roles apart", async function () {
    const { registry, alice, bob } = await deployKeel();
    const admin = await registry.MARKET_ADMIN_ROLE();
    const resolver = await registry.RESOLVER_ROLE();
    await registry.grantRole(admin, alice.address);
    await registry.grantRole(resolver, bob.address);

    await expect(registry.connect(alice).beginResolving(BTC_USD))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(alice.address, resolver);
    await expect(registry.connect(bob).listMarket("ETH-USD", MarketKind.Asset, baseConfig(MarketKind.Asset)))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(bob.address, admin);
    await expect(setGroup(registry, "fees", BTC_USD, baseGroup("fees", MarketKind.Asset), bob))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(bob.address, admin);

    await expect(registry.connect(alice).listMarket("ETH-USD", MarketKind.Asset, baseConfig(MarketKind.Asset))).to.not
      .be.reverted;
    await expect(registry.connect(bob).beginResolving(BTC_USD)).to.not.be.reverted;
  });
});
