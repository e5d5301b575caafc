/**
 * The intake workload of the matcher suite: {@link OrderIntake} over an in-memory indexer state (BTC-USD as deployed,
 * mark 60,000; `accountCount` accounts with 1,000,000 USD each and no position), and orders pre-signed by those
 * accounts (EIP-712, ethers v6 wallets) so that signing is not timed. Every order passes every check; the intake's
 * nonce sources answer from memory (nothing is used), so the same orders can be checked on every run.
 */
import { Wallet, getAddress, id, type Provider } from "ethers";
import type { ChainIndexer } from "../../keepers/indexer/indexer";
import type { IndexedAccount, IndexedMarket } from "../../keepers/indexer/state";
import { OrderIntake } from "../../keepers/matcher/intake";
import { btcUsd, HyperCoreMode, MarketKind } from "../../deploy/params";
import { indexedMarket } from "../../test/keepers/liquidator/tracker/helpers";
import { OrderFlag, signOrder, type Order, type OrderDomain } from "../../keepers/sdk/orders";
import { SeededRandom } from "./timing";

const WAD = 10n ** 18n;
const MARKET_ID = 1;
const MARK_WAD = 60_000n * WAD;
const TICK_WAD = WAD / 10n;
const LOT_WAD = WAD / 10_000n;

/** An order and its signature, as a client sends them. */
export interface SignedIntakeOrder {
  order: Order;
  signature: string;
}

/** The in-memory indexer state the intake reads (what {@link OrderIntake} uses of a {@link ChainIndexer}). */
interface IndexerState {
  markets: Map<number, IndexedMarket>;
  accounts: Map<string, IndexedAccount>;
  paused: boolean;
  chainTimeSec(): number;
  accountOf(address: string): IndexedAccount;
}

/** A BTC-USD market as the indexer would hold it after deployment and a first push at 60,000. */
function btcMarket(): IndexedMarket {
  // The tracker tests' fixture builder: BTC-USD as deployed, at the mark, 10 BTC open interest.
  return indexedMarket(MARKET_ID, "BTC-USD", MarketKind.Asset, btcUsd(HyperCoreMode.None), {
    markWad: MARK_WAD,
    openInterestWad: 10n * WAD,
  });
}

/**
 * An intake over an in-memory indexer with `wallets` funded accounts. The provider is never reached (no account is a
 * contract: every signature recovers to its account); it is still a real provider so a surprise would show.
 */
export function benchIntake(wallets: readonly Wallet[], domain: OrderDomain, provider: Provider): OrderIntake {
  const state: IndexerState = {
    markets: new Map([[MARKET_ID, btcMarket()]]),
    accounts: new Map(),
    paused: false,
    chainTimeSec: () => Math.floor(Date.now() / 1000),
    accountOf(address) {
      const account = getAddress(address);
      const known = this.accounts.get(account);
      if (known === undefined) throw new Error(`bench intake: unknown account ${account}`);
      return known;
    },
  };
  for (const wallet of wallets) {
    state.accounts.set(wallet.address, {
      account: wallet.address,
      balanceWad: 1_000_000n * WAD,
      pendingWithdrawalWad: 0n,
      positions: new Map(),
      agents: new Map(),
      nonceFloor: 0n,
    });
  }
  return new OrderIntake({
    // OrderIntake reads only markets, accounts, paused, chainTimeSec and accountOf of its indexer.
    indexer: state as unknown as ChainIndexer,
    provider,
    domain,
    isNonceUsedOnChain: () => Promise.resolve(false),
    isNonceKnown: () => false,
    unsettledFillsOf: () => [],
    restingOrdersOf: () => [],
  });
}

/** `count` deterministic wallets (keys are hashes of their index). */
export function benchWallets(count: number): Wallet[] {
  return Array.from({ length: count }, (_, i) => new Wallet(id(`keel-bench-${i}`)));
}

/** `count` orders spread over `wallets`, within 1% of the mark, 1–100 lots, signed under `domain`. */
export async function signedOrders(
  wallets: readonly Wallet[],
  domain: OrderDomain,
  count: number,
): Promise<SignedIntakeOrder[]> {
  const random = new SeededRandom(7);
  const out: SignedIntakeOrder[] = [];
  for (let i = 0; i < count; i += 1) {
    const wallet = wallets[i % wallets.length];
    const buy = random.next() < 0.5;
    const order: Order = {
      account: wallet.address,
      marketId: MARKET_ID,
      flags: buy ? OrderFlag.Buy : 0,
      nonce: BigInt(i + 1),
      expiry: 0n,
      size: BigInt(1 + random.below(100)) * LOT_WAD,
      price: MARK_WAD + BigInt(random.below(12_001) - 6_000) * TICK_WAD,
      triggerPrice: 0n,
    };
    out.push({ order, signature: await signOrder(wallet, domain, order) });
  }
  return out;
}
