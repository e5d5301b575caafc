/** Price-time priority: better price first; at one price, lower seq first — in the book and in matching. */
import { expect } from "chai";
import { OrderBook } from "../../../keepers/matcher/book";
import { ALICE, BOB, CAROL, DAVE, EVE, bookOrder, harness, order, wad } from "./helpers";

describe("matcher: price-time priority", () => {
  it("orders bids highest first and asks lowest first, earlier seq first at one price", () => {
    const book = new OrderBook(1);
    book.insert(bookOrder("b1", "buy", 100, 1, 1));
    book.insert(bookOrder("b2", "buy", 101, 1, 2));
    book.insert(bookOrder("b3", "buy", 100, 1, 3));
    book.insert(bookOrder("b4", "buy", 99, 1, 4));
    book.insert(bookOrder("a1", "sell", 103, 1, 5));
    book.insert(bookOrder("a2", "sell", 102, 1, 6));
    book.insert(bookOrder("a3", "sell", 102, 1, 7));
    expect([...book.orders("buy")].map((o) => o.hash)).to.deep.equal(["b2", "b1", "b3", "b4"]);
    expect([...book.orders("sell")].map((o) => o.hash)).to.deep.equal(["a2", "a3", "a1"]);
    expect(book.head("buy")?.hash).to.equal("b2");
    expect(book.head("sell")?.hash).to.equal("a2");
    expect(book.bestPrice("buy")).to.equal(wad(101));
    expect(book.bestPrice("sell")).to.equal(wad(102));
  });

  it("re-inserts an order at its original seq ahead of later arrivals at its price", () => {
    const book = new OrderBook(1);
    book.insert(bookOrder("x1", "buy", 100, 1, 1));
    book.insert(bookOrder("x2", "buy", 100, 1, 2));
    book.insert(bookOrder("x3", "buy", 100, 1, 3));
    const first = book.remove("x1");
    book.remove("x3");
    book.insert(bookOrder("x4", "buy", 100, 1, 4));
    book.insert(first!);
    expect([...book.orders("buy")].map((o) => o.hash)).to.deep.equal(["x1", "x2", "x4"]);
    book.insert(bookOrder("x3", "buy", 100, 1, 3));
    expect([...book.orders("buy")].map((o) => o.hash)).to.deep.equal(["x1", "x2", "x3", "x4"]);
  });

  it("keeps priority through many cancels behind a long-lived head (queue compaction)", () => {
    const book = new OrderBook(1);
    book.insert(bookOrder("head", "sell", 100, 1, 1));
    for (let i = 0; i < 200; ++i) {
      book.insert(bookOrder(`t${i}`, "sell", 100, 1, 2 + i));
      if (i % 4 !== 0) book.remove(`t${i}`);
    }
    const expected = ["head", ...Array.from({ length: 50 }, (_, k) => `t${4 * k}`)];
    expect([...book.orders("sell")].map((o) => o.hash)).to.deep.equal(expected);
    expect(book.levels("sell")).to.deep.equal([{ priceWad: wad(100), sizeWad: wad(51), orderCount: 51 }]);
  });

  it("fills a taker against the best price first, then the earliest order at that price", () => {
    const h = harness();
    const late = order({ account: ALICE, side: "sell", price: 100, size: 1 });
    const early = order({ account: BOB, side: "sell", price: 100, size: 1 });
    const better = order({ account: CAROL, side: "sell", price: 99, size: 1 });
    const worse = order({ account: DAVE, side: "sell", price: 101, size: 1 });
    h.engine.place(worse);
    h.engine.place(early);
    h.engine.place(late);
    h.engine.place(better);
    const result = h.engine.place(order({ account: EVE, side: "buy", price: 101, size: 3 }));
    expect(result.fills.map((f) => [f.makerHash, f.priceWad])).to.deep.equal([
      [better.hash, wad(99)],
      [early.hash, wad(100)],
      [late.hash, wad(100)],
    ]);
    expect(h.engine.book(1).asks).to.deep.equal([{ priceWad: wad(101), sizeWad: wad(1), orderCount: 1 }]);
  });
});
