/**
 * The market enums of contracts/interfaces/MarketTypes.sol and the oracle's price provenance, for the SDK, the deploy
 * parameters and the tests alike.
 */

/**
 * What a market's price means (`MarketKind`): `Asset` is USD per unit of base, with deviation limits relative to the
 * price; `Bounded` is a probability in [0, 1e18] that resolves to a final price, with absolute deviation limits.
 */
export enum MarketKind {
  Asset = 0,
  Bounded = 1,
}

/** A market's lifecycle (`MarketStatus`, DESIGN §9); `None` is an id never listed. */
export enum MarketStatus {
  None = 0,
  Draft = 1,
  Active = 2,
  Resolving = 3,
  Resolved = 4,
  Settled = 5,
}

/** How the OracleRegistry uses HyperCore's read precompiles for a market (`HyperCoreMode`). */
export enum HyperCoreMode {
  None = 0,
  Reference = 1,
  Index = 2,
}

/**
 * Where an oracle snapshot's prices came from (`IOracleRegistry.PriceSource`, `snapshot(id).source`): pushed by the
 * keeper alone, checked against HyperCore, HyperCore's index, or pushed unchecked while HyperCore was unreadable.
 */
export enum PriceSource {
  None = 0,
  Keeper = 1,
  KeeperCheckedByHyperCore = 2,
  HyperCoreIndex = 3,
  KeeperHyperCoreUnavailable = 4,
}
