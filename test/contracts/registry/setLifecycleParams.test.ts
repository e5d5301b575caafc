import { MarketKind, describeBounds, describeSetter } from "./helpers";

const DAY = 86400n;

describe("MarketRegistry.setLifecycleParams", function () {
  describeSetter("lifecycle", [
    {
      kind: MarketKind.Asset,
      changed: () => ({ freezeAfterSec: 3600, maxResolvingTimeSec: 14 * 86400, disputeWindowSec: 2 * 3600 }),
    },
  ]);

  describeBounds("lifecycle", MarketKind.Asset, [
    { param: "freezeAfterSec", field: "freezeAfterSec", type: "uint32", min: 60n, max: 7n * DAY },
    { param: "maxResolvingTimeSec", field: "maxResolvingTimeSec", type: "uint32", min: 3600n, max: 30n * DAY },
    { param: "disputeWindowSec", field: "disputeWindowSec", type: "uint32", min: 600n, max: 7n * DAY },
  ]);
});
