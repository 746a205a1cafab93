// Tests of which conversation an incoming request belongs to, and the limit on them
// (conversation-index.js), on Node's built-in runner (run by parley-web's build in the test phase).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConversationIndex, MAX_CONVERSATIONS, conversationKey } from "../../main/site/conversation-index.js";

const conversation = (id, peer, session = null) => ({ id, peer, session });

test("a conversation is found by its ID and its peer together, never by the ID alone", () => {
  const index = new ConversationIndex();
  const withBob = conversation("c-1", "sip:bob@example.com");
  index.add(withBob);
  assert.equal(index.find("c-1", "sip:Bob@example.com:5060;transport=ws"), withBob);
  assert.equal(index.find("c-1", "sip:mallory@example.com"), undefined);
  assert.equal(index.find("c-2", "sip:bob@example.com"), undefined);
  assert.equal(index.find(null, "sip:bob@example.com"), undefined);
});

test("the same conversation ID from two peers is two conversations", () => {
  const index = new ConversationIndex();
  const withBob = conversation("c-1", "sip:bob@example.com");
  const withMallory = conversation("c-1", "sip:mallory@example.com");
  index.add(withBob);
  index.add(withMallory);
  assert.equal(index.size, 2);
  assert.equal(index.find("c-1", "sip:bob@example.com"), withBob);
  index.remove(withMallory);
  assert.equal(index.find("c-1", "sip:bob@example.com"), withBob);
  assert.equal(index.size, 1);
});

test("a MESSAGE without an ID goes to its sender's pager conversation only", () => {
  const index = new ConversationIndex();
  index.add(conversation("in-session", "sip:bob@example.com", { state: "Established" }));
  assert.equal(index.findPager("sip:bob@example.com"), undefined);
  const pager = conversation("pager", "sip:bob@example.com");
  index.add(pager);
  assert.equal(index.findPager("sips:BOB@example.com"), pager);
  assert.equal(index.findPager("sip:carol@example.com"), undefined);
});

test("when full, the least recently used conversation without a session makes room", () => {
  const index = new ConversationIndex(3);
  const first = conversation("1", "sip:a@example.com");
  const second = conversation("2", "sip:b@example.com");
  const inSession = conversation("3", "sip:c@example.com", { state: "Established" });
  [first, second, inSession].forEach((c) => index.add(c));
  assert.equal(index.evictionCandidate(), first);
  index.find("1", "sip:a@example.com"); // used: now the most recent
  assert.equal(index.evictionCandidate(), second);
  index.remove(second);
  assert.equal(index.evictionCandidate(), null, "room again");
});

test("when every conversation has a session there is no room", () => {
  const index = new ConversationIndex(2);
  index.add(conversation("1", "sip:a@example.com", {}));
  index.add(conversation("2", "sip:b@example.com", {}));
  assert.equal(index.evictionCandidate(), undefined);
});

test("the page holds at most 50 conversations by default", () => {
  assert.equal(MAX_CONVERSATIONS, 50);
  const index = new ConversationIndex();
  for (let i = 0; i < MAX_CONVERSATIONS; i++) {
    assert.equal(index.evictionCandidate(), null);
    index.add(conversation(`c-${i}`, "sip:bob@example.com"));
  }
  assert.equal(index.evictionCandidate().id, "c-0");
});

test("bad arguments are refused by name", () => {
  assert.throws(() => conversationKey("", "sip:a@b"), /conversationId/);
  assert.throws(() => new ConversationIndex(0), /limit/);
});
