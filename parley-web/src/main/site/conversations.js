// Instant messaging conversations, as Parley endpoints hold them (docs/client.md, section 7): an
// INVITE offering m=message with the conversation ID, then MESSAGEs in the dialog; pager-mode
// MESSAGEs (outside any dialog) when the peer has no IM sessions; RFC 3994 composing indications
// both ways; every sent message shows its delivery state (the final response of its MESSAGE).
import { Inviter, Messager, SessionState } from "./vendor/sip.js/lib/index.js";
import { ConversationIndex } from "./conversation-index.js";
import {
  CONVERSATION_HEADER, IS_COMPOSING_TYPE, composingBody, describeStatus, newConversationId,
  parseComposing, peerKey,
} from "./sip-wire.js";

/** Final responses to an IM INVITE after which Parley endpoints fall back to pager mode. */
const PAGER_FALLBACK = new Set([405, 415, 488, 501, 606]);
/** We send `idle` this long after the last keystroke (RFC 3994 section 4). */
const IDLE_AFTER_MS = 15000;
/** At most this many messages stay on the page per conversation. */
const MAX_SHOWN_MESSAGES = 500;

class Conversation {
  constructor(owner, element, peer, conversationId) {
    this.owner = owner;
    this.element = element;
    this.peer = peer;
    this.id = conversationId;
    this.session = null;
    this.pager = false;
    this.composing = false;
    this.idleTimer = null;
    this.peerIdleTimer = null;
    this.sending = Promise.resolve();
    element.dataset.conversationId = conversationId;
    element.dataset.peer = peerKey(peer);
    element.querySelector(".peer").textContent = peer.toString();
    element.querySelector(".conversation-id").textContent = conversationId;
    const text = element.querySelector(".text");
    text.addEventListener("input", () => this.typing());
    element.querySelector(".compose").addEventListener("submit", (event) => {
      event.preventDefault();
      if (text.value.trim()) {
        this.send(text.value);
        text.value = "";
      }
    });
    element.querySelector(".close").addEventListener("click", () => this.close());
  }

  get open() {
    return this.pager || (this.session !== null && this.session.state === SessionState.Established);
  }

  setState(text) {
    this.element.querySelector(".state").textContent = text;
  }

  /** Follows an INVITE session (ours or accepted) through its states. */
  bind(session) {
    this.session = session;
    this.pager = false;
    session.delegate = { onMessage: (message) => this.onMessage(message.request, () => message.accept()) };
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        this.setState("connected");
      } else if (state === SessionState.Terminated && this.session === session) {
        if (!this.element.querySelector(".state").textContent.startsWith("declined")) {
          this.setState("ended");
        }
        this.session = null;
        this.showPeerComposing(false);
      }
    });
  }

  /** A MESSAGE from the peer, in the dialog or pager mode: text, or a composing indication. */
  onMessage(request, accept) {
    accept();
    const type = (request.getHeader("Content-Type") || "text/plain").split(";")[0].trim().toLowerCase();
    if (type === IS_COMPOSING_TYPE) {
      const { active, refresh } = parseComposing(request.body);
      this.showPeerComposing(active, refresh);
      return;
    }
    this.showPeerComposing(false);
    this.show("in", type.startsWith("text/") ? request.body : `[${type}]`);
  }

  showPeerComposing(active, refresh = 120) {
    clearTimeout(this.peerIdleTimer);
    const line = this.element.querySelector(".composing");
    line.textContent = active ? `${this.peer.user} is typing…` : "";
    if (active) {
      this.peerIdleTimer = setTimeout(() => this.showPeerComposing(false), refresh * 1000);
    }
  }

  show(direction, text) {
    const list = this.element.querySelector(".messages");
    const item = document.createElement("li");
    item.className = `message ${direction}`;
    const body = document.createElement("span");
    body.className = "text";
    body.textContent = text;
    item.append(body);
    list.append(item);
    while (list.children.length > MAX_SHOWN_MESSAGES) {
      list.firstElementChild.remove();
    }
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  /** Sends one MESSAGE (in the dialog, or pager mode), after the previous one has its answer. */
  request(contentType, content) {
    const headers = [`${CONVERSATION_HEADER}: ${this.id}`];
    const result = this.sending.then(() => new Promise((resolve) => {
      const requestDelegate = {
        onAccept: (response) => resolve(response.message),
        onReject: (response) => resolve(response.message),
      };
      if (this.pager) {
        new Messager(this.owner.userAgent, this.peer, content, contentType, { extraHeaders: headers })
          .message({ requestDelegate })
          .catch(() => resolve({ statusCode: 503, reasonPhrase: "Not sent" }));
      } else if (this.open) {
        this.session.message({
          requestDelegate,
          requestOptions: { extraHeaders: headers, body: { contentDisposition: "render", contentType, content } },
        }).catch(() => resolve({ statusCode: 481, reasonPhrase: "Conversation ended" }));
      } else {
        resolve({ statusCode: 0, reasonPhrase: "Not connected" });
      }
    }));
    this.sending = result;
    return result;
  }

  send(text) {
    clearTimeout(this.idleTimer);
    this.composing = false; // the message says it: no idle indication (RFC 3994 section 3.2)
    const item = this.show("out", text);
    const delivery = document.createElement("span");
    delivery.className = "delivery";
    delivery.textContent = "sending";
    item.append(delivery);
    this.request("text/plain;charset=UTF-8", text).then((answer) => {
      const ok = answer.statusCode >= 200 && answer.statusCode < 300;
      delivery.textContent = ok ? "delivered" : `failed: ${describeStatus(answer)}`;
      item.dataset.delivery = ok ? "delivered" : "failed";
    });
  }

  typing() {
    if (!this.open) {
      return;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), IDLE_AFTER_MS);
    if (!this.composing) {
      this.composing = true;
      this.request(IS_COMPOSING_TYPE, composingBody(true));
    }
  }

  stopTyping() {
    if (this.composing) {
      this.composing = false;
      this.request(IS_COMPOSING_TYPE, composingBody(false));
    }
  }

  close() {
    clearTimeout(this.idleTimer);
    clearTimeout(this.peerIdleTimer);
    const session = this.session;
    this.session = null;
    if (session) {
      if (session.state === SessionState.Established) {
        session.bye();
      } else if (session.state === SessionState.Establishing && session.cancel) {
        session.cancel();
      }
    }
    this.owner.remove(this);
  }
}

/**
 * The page's IM conversations: one per conversation ID and peer, at most MAX_CONVERSATIONS (the
 * least recently used one without a session makes room; with none, the peer is answered 486).
 */
export class Conversations {
  constructor(container, template) {
    this.container = container;
    this.template = template;
    this.userAgent = null;
    this.index = new ConversationIndex();
  }

  attach(userAgent) {
    this.userAgent = userAgent;
  }

  /** Whether one more conversation fits, after closing the least recently used idle one if needed. */
  makeRoom() {
    const idle = this.index.evictionCandidate();
    if (idle === undefined) {
      return false;
    }
    if (idle) {
      idle.close();
    }
    return true;
  }

  create(peer, conversationId) {
    const element = this.template.content.firstElementChild.cloneNode(true);
    const conversation = new Conversation(this, element, peer, conversationId);
    this.index.add(conversation);
    this.container.prepend(element);
    return conversation;
  }

  remove(conversation) {
    this.index.remove(conversation);
    conversation.element.remove();
  }

  clear() {
    for (const conversation of this.index.values()) {
      conversation.close();
    }
    this.userAgent = null;
  }

  /** Starts a conversation: an INVITE offering m=message, pager mode if the peer has no IM sessions. */
  start(target, conversationId) {
    this.makeRoom(); // the user's own: over the limit rather than refused when all are in sessions
    const conversation = this.create(target, conversationId);
    conversation.setState("inviting");
    const inviter = new Inviter(this.userAgent, target, { extraHeaders: [`${CONVERSATION_HEADER}: ${conversationId}`] });
    inviter.parleyKind = "im";
    conversation.bind(inviter);
    inviter.invite({
      requestDelegate: {
        onReject: (response) => {
          const status = response.message.statusCode;
          if (PAGER_FALLBACK.has(status)) {
            conversation.pager = true;
            conversation.setState("connected (pager mode)");
          } else {
            conversation.setState(`declined: ${describeStatus(response.message)}`);
          }
        },
      },
    }).catch((error) => conversation.setState(`failed: ${error.message}`));
    return conversation;
  }

  /**
   * Accepts an IM invitation: into the conversation with its ID and inviter (whose earlier session,
   * if any, is ended first), else a new one; 486 when no conversation can be made room for.
   */
  async accept(invitation, conversationId) {
    const peer = invitation.remoteIdentity.uri;
    let conversation = this.index.find(conversationId, peer);
    if (conversation && conversation.session) {
      const old = conversation.session;
      conversation.session = null;
      if (old.state === SessionState.Established) {
        old.bye().catch((error) => console.warn("ending the replaced session failed", error));
      }
    }
    if (!conversation) {
      if (!this.makeRoom()) {
        await invitation.reject({ statusCode: 486, reasonPhrase: "Busy Here" });
        return;
      }
      conversation = this.create(peer, conversationId);
    }
    conversation.bind(invitation);
    await invitation.accept();
  }

  /**
   * A MESSAGE outside any dialog goes to the conversation with its ID and sender, else (no ID) to
   * the sender's pager conversation, else a new one; 486 when no conversation can be made room for.
   */
  onPagerMessage(message) {
    const request = message.request;
    const peer = message.request.from.uri;
    const id = request.getHeader(CONVERSATION_HEADER);
    let conversation = id ? this.index.find(id, peer) : this.index.findPager(peer);
    if (!conversation) {
      const type = (request.getHeader("Content-Type") || "").toLowerCase();
      if (type.startsWith(IS_COMPOSING_TYPE)) {
        message.accept(); // composing before any text starts nothing (as Parley endpoints do)
        return;
      }
      if (!this.makeRoom()) {
        message.reject({ statusCode: 486, reasonPhrase: "Busy Here" });
        return;
      }
      conversation = this.create(peer, id || newConversationId());
    }
    if (!conversation.session) {
      conversation.pager = true;
      conversation.setState("connected (pager mode)");
    }
    conversation.onMessage(request, () => message.accept());
  }
}
