/**
 * When funding is due. PositionManager.applyFunding is clock-aligned: it accepts a call once
 * `floor(block.timestamp / interval) > floor(lastFundingAt / interval)`, i.e. from the first interval boundary after the
 * last application. Paying at each boundary (every full hour of chain time with a 1 h interval) instead of at
 * `lastFundingAt + interval` keeps the schedule from drifting by the keeper's latency every interval.
 */

/**
 * The earliest chain time (unix s) at which the next `applyFunding` of a market succeeds.
 *
 * @param lastFundingAtSec `marketState(id).lastFundingAt` (0 = funding never applied).
 * @param intervalSec The market's `fundingIntervalSec`.
 * @param firstSeenSec Chain time when this keeper first saw the market: a market never funded gets its first payment at
 *   the first boundary after it, so that its first interval has premium samples (the chain would accept one at once).
 * @throws RangeError for a non-positive interval.
 * @example nextFundingAtSec(7_230, 3_600, 0) // 10_800: the boundary after 2:00:30 is 3:00:00
 */
export function nextFundingAtSec(lastFundingAtSec: number, intervalSec: number, firstSeenSec: number): number {
  if (!Number.isSafeInteger(intervalSec) || intervalSec <= 0) {
    throw new RangeError(`funding interval must be a positive number of seconds, got ${intervalSec}`);
  }
  const from = lastFundingAtSec === 0 ? firstSeenSec : lastFundingAtSec;
  return (Math.floor(from / intervalSec) + 1) * intervalSec;
}
