// Parley's browser client: sign-in, registration state and incoming invitations. Instant
// messaging lives in conversations.js, audio calls in calls.js; sip-wire.js says how Parley's
// model (session type, conversation ID, composing) looks on the wire.
import { Registerer, RegistererState, UserAgent, Web } from "./vendor/sip.js/lib/index.js";
import { Calls } from "./calls.js";
import { MAX_PROMPTS } from "./conversation-index.js";
import { Conversations } from "./conversations.js";
import {
  CONVERSATION_HEADER, MessageLineHandler, NoBrowserAudioError, SESSION_TYPE_LABELS, carriesBrowserAudio,
  describeStatus, newConversationId, preferMd5Challenges, sessionTypeOf,
} from "./sip-wire.js";

const $ = (id) => document.getElementById(id);
const REGISTRATION_EXPIRY = 300;

let userAgent = null;
let registerer = null;
let signedIn = false;
const conversations = new Conversations($("conversations"), $("conversation-template"));
const calls = new Calls();

function showRegistration(text) {
  $("registration").textContent = text;
}

function showSignedIn(on) {
  signedIn = on;
  $("sign-in").hidden = on;
  $("signed-in").hidden = !on;
}

/** `alice@example.com` or `sip:alice@example.com` as a SIP.js URI, or undefined. */
function sipUri(text) {
  const trimmed = (text || "").trim();
  return UserAgent.makeURI(/^sips?:/i.test(trimmed) ? trimmed : `sip:${trimmed}`);
}

/** The session description handler for a session: m=message for IM, WebRTC for audio. */
function sessionDescriptionHandlers(webFactory) {
  return (session, options) => {
    if (session.parleyKind === "im") {
      return new MessageLineHandler(userAgent.configuration.uri.toString(), userAgent.contact.uri.host);
    }
    const handler = webFactory(session, options);
    const setDescription = handler.setDescription.bind(handler);
    handler.setDescription = (sdp, ...rest) => {
      if (!carriesBrowserAudio(sdp)) {
        session.parleyNoAudio = true;
        return Promise.reject(new NoBrowserAudioError());
      }
      return setDescription(sdp, ...rest);
    };
    return handler;
  };
}

async function signIn(event) {
  event.preventDefault();
  const aor = sipUri($("address").value);
  const server = $("server").value.trim();
  if (!aor || !aor.user) {
    showRegistration("Sign-in failed: the address must be like alice@example.com");
    return;
  }
  $("sign-in-button").disabled = true;
  showRegistration("Connecting…");
  userAgent = new UserAgent({
    uri: aor,
    authorizationUsername: aor.user,
    authorizationPassword: $("password").value,
    transportOptions: { server, traceSip: false },
    userAgentString: "Parley web (SIP.js 0.21.2)",
    logLevel: "warn",
    noAnswerTimeout: 60,
    sessionDescriptionHandlerFactory: sessionDescriptionHandlers(Web.defaultSessionDescriptionHandlerFactory()),
    sessionDescriptionHandlerFactoryOptions: {
      // no STUN: nothing outside the configured server is contacted
      peerConnectionConfiguration: { iceServers: [] },
      iceGatheringTimeout: 2000,
    },
    delegate: {
      onInvite: (invitation) => onInvitation(invitation),
      onMessage: (message) => conversations.onPagerMessage(message),
      onDisconnect: (error) => {
        if (error && signedIn) {
          showRegistration(`Connection lost: ${error.message}`);
        }
      },
    },
  });
  $("password").value = ""; // the user agent has it: not left in the page
  // SIP.js answers the first digest challenge, MD5 only: keep a 401/407's MD5 challenges
  const deliver = userAgent.transport.onMessage;
  userAgent.transport.onMessage = (text) => deliver(preferMd5Challenges(text));
  conversations.attach(userAgent);
  calls.attach(userAgent);
  try {
    await userAgent.start();
  } catch (error) {
    showRegistration(`Sign-in failed: cannot reach ${server} (${error.message})`);
    $("sign-in-button").disabled = false;
    userAgent = null;
    return;
  }
  registerer = new Registerer(userAgent, { expires: REGISTRATION_EXPIRY });
  registerer.stateChange.addListener((state) => {
    if (state === RegistererState.Registered) {
      showRegistration(`Signed in as ${aor.user}@${aor.host}`);
      showSignedIn(true);
    } else if (state === RegistererState.Unregistered && signedIn) {
      showRegistration("Not registered");
    }
  });
  await registerer.register({
    requestDelegate: {
      onReject: (response) => {
        showRegistration(`Sign-in failed: ${describeStatus(response.message)}`);
        stop();
      },
    },
  });
}

async function stop() {
  const ua = userAgent;
  userAgent = null;
  registerer = null;
  showSignedIn(false);
  $("sign-in-button").disabled = false;
  conversations.clear();
  calls.clear();
  $("invitations").replaceChildren();
  if (ua) {
    await ua.stop();
  }
}

async function signOut() {
  showRegistration("Signing out…");
  try {
    if (registerer) {
      await registerer.unregister();
    }
  } finally {
    await stop();
    showRegistration("Signed out");
  }
}

/** An incoming INVITE: the prompt (who, session type, conversation ID; Accept / Decline / Busy). */
function onInvitation(invitation) {
  if ($("invitations").children.length >= MAX_PROMPTS) {
    invitation.reject({ statusCode: 486, reasonPhrase: "Busy Here" })
      .catch((error) => console.warn("refusing an invitation beyond the prompts' limit failed", error));
    return;
  }
  const type = sessionTypeOf(invitation.request);
  const conversationId = invitation.request.getHeader(CONVERSATION_HEADER) || newConversationId();
  invitation.parleyKind = type === "audio" ? "audio" : "im";
  const noAudio = type === "audio" && !carriesBrowserAudio(invitation.body);
  const prompt = $("invitation-template").content.firstElementChild.cloneNode(true);
  const who = invitation.remoteIdentity;
  prompt.querySelector(".inviter").textContent =
    (who.displayName ? `${who.displayName} <${who.uri}>` : who.uri.toString());
  prompt.querySelector(".session-type").textContent = SESSION_TYPE_LABELS[type];
  prompt.querySelector(".conversation-id").textContent = conversationId;
  if (noAudio) {
    const note = prompt.querySelector(".note");
    note.textContent = "The caller's endpoint cannot carry audio with a browser (no DTLS-SRTP/ICE).";
    note.hidden = false;
  }
  const answer = async (action) => {
    prompt.remove();
    if (action === "decline") {
      await invitation.reject({ statusCode: 603, reasonPhrase: "Decline" });
    } else if (action === "busy") {
      await invitation.reject({ statusCode: 486, reasonPhrase: "Busy Here" });
    } else if (noAudio) {
      await invitation.reject({ statusCode: 488, reasonPhrase: "Not Acceptable Here" });
    } else if (invitation.parleyKind === "audio") {
      await calls.accept(invitation, conversationId);
    } else {
      await conversations.accept(invitation, conversationId);
    }
  };
  prompt.addEventListener("click", (event) => {
    const action = event.target.dataset?.action;
    if (action) {
      answer(action).catch((error) => console.warn("answering the invitation failed", error));
    }
  });
  invitation.stateChange.addListener(() => {
    if (!(invitation.state === "Initial" || invitation.state === "Establishing")) {
      prompt.remove(); // cancelled, expired or answered
    }
  });
  $("invitations").append(prompt);
  invitation.progress(); // 180 Ringing while the user decides
}

function start(event) {
  event.preventDefault();
  const target = sipUri($("target").value);
  if (!target || !target.user) {
    return;
  }
  if (event.submitter?.value === "call") {
    calls.call(target, newConversationId());
  } else {
    conversations.start(target, newConversationId());
  }
}

function init() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  $("server").value = `${scheme}://${location.host || "127.0.0.1:8443"}/ws`;
  $("sign-in").addEventListener("submit", (event) => {
    signIn(event).catch((error) => {
      showRegistration(`Sign-in failed: ${error.message}`);
      stop();
    });
  });
  $("sign-out").addEventListener("click", () => signOut());
  $("start").addEventListener("submit", start);
  calls.bind();
  window.addEventListener("beforeunload", () => {
    if (registerer) {
      registerer.unregister();
    }
  });
}

init();
