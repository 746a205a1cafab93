// Audio calls between browsers: WebRTC (DTLS-SRTP, ICE) with the signalling through Parley, one
// call at a time. Hang-up, mute (the microphone track disabled) and a DTMF keypad that sends
// RFC 4733 telephone-events in the media (RTCRtpSender.dtmf, through SIP.js's sendDtmf).
import { Inviter, SessionState } from "./vendor/sip.js/lib/index.js";
import { CONVERSATION_HEADER, NoBrowserAudioError, describeStatus } from "./sip-wire.js";

const $ = (id) => document.getElementById(id);
const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];
const AUDIO_ONLY = { constraints: { audio: true, video: false } };
const NO_AUDIO_NOTE = "This call cannot carry audio: the other side's endpoint has no browser audio"
  + " (no DTLS-SRTP/ICE in its answer).";

export class Calls {
  constructor() {
    this.userAgent = null;
    this.session = null;
    this.statsTimer = null;
  }

  attach(userAgent) {
    this.userAgent = userAgent;
  }

  bind() {
    const keypad = $("keypad");
    for (const key of KEYS) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = key;
      button.setAttribute("aria-label", `DTMF ${key}`);
      button.addEventListener("click", () => this.dtmf(key));
      keypad.append(button);
    }
    $("hang-up").addEventListener("click", () => this.hangUp());
    $("mute").addEventListener("click", () => this.toggleMute());
  }

  get busy() {
    return this.session !== null;
  }

  show(peer, state) {
    $("call").hidden = false;
    $("call-peer").textContent = peer.toString();
    $("call-note").hidden = true;
    $("call-stats").textContent = "0";
    $("mute").setAttribute("aria-pressed", "false");
    $("mute").textContent = "Mute";
    this.setState(state);
  }

  setState(text) {
    $("call-state").textContent = text;
  }

  note(text) {
    $("call-note").textContent = text;
    $("call-note").hidden = false;
  }

  call(target, conversationId) {
    if (this.busy) {
      this.note("Hang up the current call first.");
      return;
    }
    const inviter = new Inviter(this.userAgent, target, {
      extraHeaders: [`${CONVERSATION_HEADER}: ${conversationId}`],
      sessionDescriptionHandlerOptions: AUDIO_ONLY,
    });
    inviter.parleyKind = "audio";
    this.show(target, "calling");
    this.follow(inviter);
    inviter.invite({
      requestDelegate: {
        onProgress: (response) => {
          if (response.message.statusCode === 180) {
            this.setState("ringing");
          }
        },
        onReject: (response) => {
          const status = response.message.statusCode;
          const reason = describeStatus(response.message);
          if (status === 603 || status === 600) {
            this.setState(`declined: ${reason}`);
          } else if (status === 486) {
            this.setState(`busy: ${reason}`);
          } else if (status === 488 || status === 415) {
            this.setState(`failed: ${reason}`);
            this.note(NO_AUDIO_NOTE);
          } else {
            this.setState(`failed: ${reason}`);
          }
        },
      },
    }).catch((error) => {
      this.setState(`failed: ${error.message}`);
      if (error instanceof NoBrowserAudioError) {
        this.note(NO_AUDIO_NOTE);
      }
    });
  }

  async accept(invitation, conversationId) {
    if (this.busy) {
      await invitation.reject({ statusCode: 486, reasonPhrase: "Busy Here" });
      return;
    }
    this.show(invitation.remoteIdentity.uri, "connecting");
    $("call").dataset.conversationId = conversationId;
    this.follow(invitation);
    await invitation.accept({ sessionDescriptionHandlerOptions: AUDIO_ONLY });
  }

  follow(session) {
    this.session = session;
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        this.setState("connected");
        const handler = session.sessionDescriptionHandler;
        $("remote-audio").srcObject = handler.remoteMediaStream;
        this.statsTimer = setInterval(() => this.updateStats(handler), 1000);
      } else if (state === SessionState.Terminated) {
        clearInterval(this.statsTimer);
        $("remote-audio").srcObject = null;
        if (session.parleyNoAudio) {
          this.setState("ended");
          this.note(NO_AUDIO_NOTE);
        } else if (!/^(declined|busy|failed)/.test($("call-state").textContent)) {
          this.setState("ended");
        }
        if (this.session === session) {
          this.session = null;
        }
      }
    });
  }

  /** The audio packets received so far, from WebRTC's statistics (inbound-rtp). */
  async updateStats(handler) {
    const pc = handler.peerConnection;
    if (!pc) {
      return;
    }
    let packets = 0;
    (await pc.getStats()).forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "audio") {
        packets += report.packetsReceived || 0;
      }
    });
    $("call-stats").textContent = String(packets);
  }

  hangUp() {
    const session = this.session;
    if (!session) {
      return;
    }
    if (session.state === SessionState.Established) {
      session.bye();
    } else if (session.state === SessionState.Establishing || session.state === SessionState.Initial) {
      if (session.cancel) {
        session.cancel();
      } else {
        session.reject({ statusCode: 603, reasonPhrase: "Decline" });
      }
    }
  }

  toggleMute() {
    const pc = this.session?.sessionDescriptionHandler?.peerConnection;
    if (!pc) {
      return;
    }
    const muted = $("mute").getAttribute("aria-pressed") !== "true";
    for (const sender of pc.getSenders()) {
      if (sender.track && sender.track.kind === "audio") {
        sender.track.enabled = !muted;
      }
    }
    $("mute").setAttribute("aria-pressed", String(muted));
    $("mute").textContent = muted ? "Unmute" : "Mute";
  }

  dtmf(key) {
    const handler = this.session?.sessionDescriptionHandler;
    if (this.session?.state === SessionState.Established && handler) {
      handler.sendDtmf(key, { duration: 100, interToneGap: 70 });
    }
  }

  clear() {
    this.hangUp();
    this.session = null;
    clearInterval(this.statsTimer);
    $("call").hidden = true;
  }
}
