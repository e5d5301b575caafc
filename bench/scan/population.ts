/**
 * The scan suite's population: an in-memory indexer (the tracker tests' {@link IndexerDouble}, which emits the same
 * events as the ChainIndexer) holding `count` accounts, every one long or short BTC-USD and every other one also
 * holding the event market, with balances from thin to comfortable so that some accounts are at risk or liquidatable.
 */
import {
  addressOf,
  BTC,
  EVENT,
  IndexerDouble,
  indexedAccount,
  position,
  wad,
} from "../../test/keepers/liquidator/tracker/helpers";
import { SeededRandom } from "../matcher/timing";

/** An indexer double with `count` accounts (see the module comment). */
export function population(count: number): IndexerDouble {
  const random = new SeededRandom(100);
  const indexer = new IndexerDouble();
  for (let i = 1; i <= count; i += 1) {
    const long = random.next() < 0.5;
    const btcSizeWad = ((long ? 1n : -1n) * wad(0.01) * BigInt(1 + random.below(100))) / 10n;
    const entryWad = wad(60_000) + wad(10) * BigInt(random.below(2_001) - 1_000);
    const positions = [position(BTC, btcSizeWad, entryWad)];
    if (i % 2 === 0) positions.push(position(EVENT, wad(10) * BigInt(1 + random.below(100)), wad(0.4)));
    const balanceWad = wad(20) * BigInt(1 + random.below(2_000));
    indexer.accounts.set(addressOf(i), indexedAccount(addressOf(i), balanceWad, positions));
  }
  return indexer;
}
