// Tests of the admin page's ladder merge (admin.js), on Node's built-in runner: admin.js is a
// plain browser script, so it is run in a context of its own with a stand-in document.
// Run by AdminScriptTest (parley-server's tests) when node is on the PATH.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const source = readFileSync(
  new URL("../../main/resources/dev/parley/server/web/admin/admin.js", import.meta.url), "utf8");
const page = vm.createContext({ document: { addEventListener() {} } });
vm.runInContext(source, page);
const MAX_MESSAGES = vm.runInContext("MAX_MESSAGES", page);
const fresh = () => ({ callId: "c", since: 0, messages: [] });
const batch = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i }));

test("the page keeps the last 200 messages however many the server sends", () => {
  const ladder = fresh();
  for (let seq = 1; seq <= 10_000; seq += 50) page.mergeLadder(ladder, batch(seq, seq + 49));
  assert.equal(MAX_MESSAGES, 200);
  assert.equal(ladder.messages.length, MAX_MESSAGES);
  assert.equal(ladder.messages[0].seq, 10_000 - MAX_MESSAGES + 1);
  assert.equal(ladder.messages.at(-1).seq, 10_000);
  assert.equal(ladder.since, 10_000);
});

test("a batch that repeats messages already seen adds each of them once", () => {
  const ladder = fresh();
  assert.equal(page.mergeLadder(ladder, batch(1, 5)), 5);
  assert.equal(page.mergeLadder(ladder, batch(1, 5)), 0); // an overlapping poll with the same since
  assert.equal(page.mergeLadder(ladder, batch(4, 8)), 3);
  assert.deepEqual(ladder.messages.map(m => m.seq), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test("a message without a numeric seq is not added", () => {
  const ladder = fresh();
  assert.equal(page.mergeLadder(ladder, [{ seq: "9" }, {}, { seq: 2 }]), 1);
  assert.equal(ladder.since, 2);
});
