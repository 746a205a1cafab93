// Which conversation an incoming MESSAGE or IM invitation belongs to, and how many the network may
// make the page hold. A conversation is its ID AND its peer: a MESSAGE or INVITE reusing someone
// else's conversation ID from another address gets a conversation of its own, never theirs.
import { peerKey } from "./sip-wire.js";

/** At most this many conversations on the page (docs/web-client.md, "Limits"). */
export const MAX_CONVERSATIONS = 50;

/** The key of a conversation: its ID and its peer's `user@host`. */
export function conversationKey(conversationId, peer) {
  if (typeof conversationId !== "string" || conversationId === "") {
    throw new TypeError("conversationId must be a non-empty string");
  }
  return `${conversationId}\n${peerKey(peer)}`;
}

/**
 * The page's conversations by ID and peer, bounded: making room drops the least recently used
 * conversation that has no INVITE session (an idle one); when every one has a session there is no
 * room. Items need `id`, `peer` and `session` (null when none).
 */
export class ConversationIndex {
  constructor(limit = MAX_CONVERSATIONS) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError("limit must be a positive integer");
    }
    this.limit = limit;
    this.items = new Map(); // key -> conversation, least recently used first
  }

  get size() {
    return this.items.size;
  }

  values() {
    return [...this.items.values()];
  }

  /** The conversation with this ID and peer (marked as used), or undefined. */
  find(conversationId, peer) {
    if (!conversationId) {
      return undefined;
    }
    const key = conversationKey(conversationId, peer);
    const found = this.items.get(key);
    if (found) {
      this.items.delete(key);
      this.items.set(key, found);
    }
    return found;
  }

  /** The pager-mode conversation (no session) with this peer, most recently used first, or undefined. */
  findPager(peer) {
    const wanted = peerKey(peer);
    return this.values().reverse().find((c) => !c.session && peerKey(c.peer) === wanted);
  }

  /**
   * Room for one more: when full, the least recently used conversation without a session, which
   * the caller closes; `null` when there is room already; `undefined` when there is none to drop.
   */
  evictionCandidate() {
    if (this.items.size < this.limit) {
      return null;
    }
    return this.values().find((c) => !c.session);
  }

  add(conversation) {
    this.items.set(conversationKey(conversation.id, conversation.peer), conversation);
  }

  remove(conversation) {
    const key = conversationKey(conversation.id, conversation.peer);
    if (this.items.get(key) === conversation) {
      this.items.delete(key);
    }
  }
}

/** At most this many invitation prompts wait for an answer; beyond, the INVITE is answered 486. */
export const MAX_PROMPTS = 20;
