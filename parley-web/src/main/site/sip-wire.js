// How Parley carries its session model on the wire, for the page (docs/client.md, docs/web-client.md):
// the conversation ID header, the session type read from an INVITE, the m=message SDP of an
// instant messaging session, RFC 3994 composing indications and the digest challenge SIP.js takes.

/** The header Parley sends the conversation ID in (UCCAPI's property 10000; Microsoft's convention). */
export const CONVERSATION_HEADER = "Ms-Conversation-ID";

/** The content type of RFC 3994 composing indications. */
export const IS_COMPOSING_TYPE = "application/im-iscomposing+xml";

/** A new conversation ID: the initiator generates it, every party keeps it. */
export function newConversationId() {
  return crypto.randomUUID();
}

/** The session type of an incoming INVITE, as Parley endpoints decide it (docs/client.md, section 4). */
export function sessionTypeOf(request) {
  const contact = request.getHeader("Contact") || "";
  const sdp = request.body || "";
  if (/;\s*isfocus\b/i.test(contact)) {
    return "conference";
  }
  if (/^m=(audio|video) [1-9]/m.test(sdp)) {
    return "audio";
  }
  if (/^m=message [1-9]\d* sip /m.test(sdp)) {
    return "im";
  }
  return "application";
}

/** What the page says for a session type. */
export const SESSION_TYPE_LABELS = {
  im: "Instant messaging",
  audio: "Audio call",
  conference: "Conference",
  application: "Application session",
};

/** Whether an SDP can carry audio to a browser: DTLS-SRTP (a fingerprint) and ICE. */
export function carriesBrowserAudio(sdp) {
  return /^a=fingerprint:/m.test(sdp || "") && /^a=ice-ufrag:/m.test(sdp || "");
}

/** The error a call that cannot carry audio with a browser fails with. */
export class NoBrowserAudioError extends Error {
  constructor() {
    super("the other side cannot carry audio with a browser (no DTLS-SRTP/ICE)");
    this.name = "NoBrowserAudioError";
  }
}

/**
 * The session description handler of an instant messaging session: it offers one
 * `m=message <port> sip <our address>` line, and answers an offer line for line (RFC 3264 §6),
 * taking its first `m=message ... sip` line and refusing the others (port 0), as Parley endpoints
 * do; an SDP without a usable m=message line is refused. No media flows: messages are MESSAGE
 * requests in the dialog.
 */
export class MessageLineHandler {
  constructor(aor, host) {
    this.aor = aor;
    this.host = host;
    this.offer = null; // the remote offer to answer
    this.offering = false; // our offer is out: the next description is its answer
  }

  getDescription() {
    const id = Math.floor(Math.random() * 1e9) + 1;
    const lines = ["v=0", `o=- ${id} ${id} IN IP4 ${this.host}`, "s=-", `c=IN IP4 ${this.host}`, "t=0 0"];
    const ours = [`m=message 5060 sip ${this.aor}`, "a=accept-types:text/plain"];
    if (this.offer === null) {
      lines.push(...ours);
      this.offering = true;
    } else {
      let taken = false;
      for (const m of this.offer.split(/\r?\n/).filter((line) => line.startsWith("m="))) {
        if (!taken && /^m=message [1-9]\d* sip /.test(m)) {
          lines.push(...ours);
          taken = true;
        } else {
          const [media, , proto, ...formats] = m.slice(2).split(" ");
          lines.push(`m=${media} 0 ${proto} ${formats.join(" ")}`.trim());
        }
      }
      this.offer = null;
    }
    lines.push("");
    return Promise.resolve({ body: lines.join("\r\n"), contentType: "application/sdp" });
  }

  hasDescription(contentType) {
    return contentType === "application/sdp";
  }

  /** The answer to our offer, or an offer (kept to answer it). */
  setDescription(sdp) {
    if (!/^m=message [1-9]\d* sip /m.test(sdp || "")) {
      return Promise.reject(new Error("no m=message line for instant messaging"));
    }
    if (this.offering) {
      this.offering = false;
    } else {
      this.offer = sdp;
    }
    return Promise.resolve();
  }

  rollbackDescription() {
    return Promise.resolve();
  }

  sendDtmf() {
    return false;
  }

  close() {}
}

/** An RFC 3994 composing indication: `active` (refreshed every `refresh` seconds) or `idle`. */
export function composingBody(active, refresh = 90) {
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + '<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing">'
    + `<state>${active ? "active" : "idle"}</state><contenttype>text/plain</contenttype>`
    + (active ? `<refresh>${refresh}</refresh>` : "")
    + "</isComposing>";
}

/** The longest composing refresh the page honours, in seconds (a peer's larger one counts as this). */
export const MAX_COMPOSING_REFRESH = 300;

/**
 * The refresh of a composing indication, in seconds, from its `<refresh>` text: 120 when absent or
 * not a positive number (RFC 3994 section 3.2), at most {@link MAX_COMPOSING_REFRESH} (a timer
 * beyond 2^31 ms would fire at once).
 */
export function composingRefresh(text) {
  const refresh = /^\s*\d+\s*$/.test(text || "") ? Number.parseInt(text, 10) : 0;
  return refresh > 0 ? Math.min(refresh, MAX_COMPOSING_REFRESH) : 120;
}

/** The state (`active` or `idle`) and refresh (seconds, see composingRefresh) of a composing indication. */
export function parseComposing(xml) {
  const doc = new DOMParser().parseFromString(xml || "", "application/xml");
  const text = (name) => (doc.getElementsByTagNameNS("*", name)[0]?.textContent || "").trim();
  return {
    active: text("state").toLowerCase() === "active",
    refresh: composingRefresh(text("refresh")),
  };
}

/**
 * The SIP text of a 401 or 407 with only its MD5 digest challenges, when it has any: SIP.js
 * answers the first challenge only and MD5 only, and Parley offers SHA-256 first (RFC 8760).
 * Every other message is returned as it came.
 */
export function preferMd5Challenges(text) {
  if (!/^SIP\/2\.0 40[17] /.test(text)) {
    return text;
  }
  const end = text.indexOf("\r\n\r\n");
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split("\r\n");
  const isChallenge = (line) => /^(www|proxy)-authenticate\s*:/i.test(line);
  const isMd5 = (line) => !/algorithm\s*=/i.test(line) || /algorithm\s*=\s*"?md5"?\s*(,|$)/i.test(line);
  if (!lines.some((line) => isChallenge(line) && isMd5(line))) {
    return text;
  }
  const kept = lines.filter((line) => !isChallenge(line) || isMd5(line));
  return kept.join("\r\n") + (end < 0 ? "" : text.slice(end));
}

/** `user@host` of a SIP URI (a string or a SIP.js URI): the key of a peer. */
export function peerKey(uri) {
  const text = String(uri).replace(/^sips?:/i, "").split(/[;?>]/)[0];
  return text.replace(/:\d+$/, "").toLowerCase();
}

/** The reason phrase of a final response for the page: `Decline (603)`. */
export function describeStatus(message) {
  return `${message.reasonPhrase || "status"} (${message.statusCode})`;
}
