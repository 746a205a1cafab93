package dev.parley.cli;

import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.ParticipantStateChangedEvent;
import dev.parley.client.RejectReason;
import dev.parley.client.SignInException;
import dev.parley.sip.Reason;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The plain words {@code parley client} uses for sign-in outcomes, participant states and how a
 * session ended. Every phrase that names an outcome ends with the machine names in brackets
 * ({@code [BUSY 486]}), so a person reads the words and a grep finds the name.
 */
final class Words {
  private Words() {}

  /** {@code signed in as ...} or, peer-to-peer, {@code ready as ...}. */
  static String enabled(String user, String contact, boolean server) {
    return server
        ? "signed in as " + user + " (contact " + contact + ")"
        : "ready as " + user + ", reachable at " + contact + " (no server)";
  }

  /** Why signing in failed, for people. */
  static String failed(SignInException failure, boolean retrying) {
    String why = switch (failure.reason()) {
      case AUTHENTICATION_FAILED -> "the server did not accept the user name or password";
      case FORBIDDEN -> "the server does not let this account sign in from here";
      case SERVER_UNREACHABLE -> "the server cannot be reached";
      case TIMEOUT -> "the server did not answer in time";
      case REJECTED -> "the server refused the sign-in";
    };
    return (retrying ? "sign-in lost: " : "sign-in failed: ") + why + " ["
        + failure.reason().name() + " " + failure.statusCode() + "]"
        + (retrying ? "; retrying" : "");
  }

  /**
   * A participant state change: {@code sip:bob@x ringing [RINGING 180]}, {@code sip:bob@x
   * connected}, {@code sip:bob@x is busy [BUSY 486]}...
   */
  static String state(String peer, ParticipantStateChangedEvent change) {
    ParticipantStateChangeReason cause = change.reason();
    int status = change.statusCode();
    return switch (change.newState()) {
      case IDLE -> peer + " idle";
      case CONNECTING -> peer + (cause == ParticipantStateChangeReason.RINGING
          ? " ringing [RINGING " + status + "]" : " calling [" + cause.name() + " " + status + "]");
      case CONNECTED -> peer + " connected";
      case DISCONNECTING -> peer + " disconnecting";
      case DISCONNECTED -> why(peer, change);
    };
  }

  /** How a session ended, from the remote participant's last change (null: none came). */
  static String outcome(String peer, ParticipantStateChangedEvent last) {
    return last == null ? peer + " (no answer) [NORMAL 0]" : why(peer, last);
  }

  /**
   * Why a participant left: a hang-up by the other side ({@code sip:bob@x hung up}), a reject
   * reason said by the other side ({@code sip:bob@x is busy}), or by this side ({@code busy
   * here}: we rejected, {@code hung up here}), or the cause; then the text of the other side's
   * Reason header (RFC 3326) in parentheses, when it gave one.
   */
  private static String why(String peer, ParticipantStateChangedEvent change) {
    ParticipantStateChangeReason cause = change.reason();
    int status = change.statusCode();
    Optional<RejectReason> reason = change.rejectReason();
    boolean here = cause == ParticipantStateChangeReason.NORMAL;
    // a BYE, whatever its Reason's cause (an inviter is CONNECTED until it cancels: 487)
    boolean hungUp = cause == ParticipantStateChangeReason.REMOTE_HANGUP
        && change.oldState() == ParticipantState.CONNECTED && status != 487;
    String words;
    if (hungUp) {
      words = peer + " hung up";
    } else if (reason.isPresent() && here) {
      words = switch (reason.get()) {
        case BUSY -> "answered busy here";
        case DECLINE -> "declined here";
        case DECLINE_EVERYWHERE -> "declined here for every device";
        case UNAVAILABLE -> "not answered here (unavailable)";
        case TIMEOUT -> "not answered here in time";
        case NOT_ACCEPTABLE -> "not acceptable here";
        case FORWARDED -> "forwarded here";
        case NOT_SPECIFIED -> "ended here";
      } + ", invitation from " + peer;
    } else if (reason.isPresent()) {
      words = peer + " " + switch (reason.get()) {
        case BUSY -> "is busy";
        case DECLINE -> "declined";
        case DECLINE_EVERYWHERE -> "declined on every device";
        case UNAVAILABLE -> "is unavailable";
        case TIMEOUT -> "did not answer in time";
        case NOT_ACCEPTABLE -> "cannot take this kind of session";
        case FORWARDED -> "forwarded it";
        case NOT_SPECIFIED -> "ended it";
      };
    } else {
      words = switch (cause) {
        case REMOTE_HANGUP -> peer + (status == 487 ? " cancelled" : " hung up");
        case NORMAL -> "hung up here on " + peer;
        case ENDPOINT_NOT_EXIST -> peer + " does not exist";
        case ERROR -> peer + " could not be reached";
        case FAILED -> "failed to reach " + peer;
        default -> peer + " " + ClientEvent.words(cause);
      };
    }
    return words + change.remoteReason().map(Words::said).orElse("") + " ["
        + reason.map(Enum::name).orElse(cause.name()) + " " + status + "]";
  }

  /**
   * A stream's figures: {@code audio PCMU: sent 250 packets, received 249, lost 0, jitter 0.4 ms,
   * rtt 0.2 ms}, {@code at the end} when the session ended.
   */
  static String media(dev.parley.media.AudioStreamStats s, boolean atEnd) {
    return "audio " + s.codec() + (atEnd ? " at the end" : "") + ": sent " + s.packetsSent()
        + " packets, received " + s.packetsReceived() + ", lost " + s.lost() + ", jitter "
        + String.format(java.util.Locale.ROOT, "%.1f", s.jitterMillis()) + " ms, rtt "
        + (s.rttMillis() < 0 ? "unknown"
            : String.format(java.util.Locale.ROOT, "%.1f ms", s.rttMillis()))
        + (s.dtmfSent() + s.dtmfReceived() > 0
            ? ", DTMF sent " + s.dtmfSent() + " received " + s.dtmfReceived() : "");
  }

  /** Who holds the call now: {@code on hold here}, {@code held by sip:bob@x}, {@code resumed}. */
  static String hold(String peer, boolean onHold, boolean heldByPeer) {
    if (onHold && heldByPeer) {
      return "on hold here and held by " + peer;
    }
    if (onHold) {
      return "on hold here";
    }
    return heldByPeer ? "held by " + peer : "off hold with " + peer;
  }

  /** {@code  (Busy Here)}: the text of a Reason header, else the header as written. */
  private static String said(Reason r) {
    String text = r.text();
    boolean hasText = text != null && !text.isBlank();
    return " (" + (hasText ? ClientEvent.printable(text) : r.toString()) + ")";
  }

  /** A reject reason from a person's word ({@code busy}, {@code decline}, {@code 486}...). */
  static RejectReason rejectReason(String text) {
    String t = text.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    RejectReason r = null;
    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
      Optional<RejectReason> byCode = RejectReason.fromStatus(Integer.parseInt(t));
      r = byCode.filter(x -> x.statusCode() == Integer.parseInt(t)).orElse(null);
    } else if (t.equals("DECLINED")) {
      r = RejectReason.DECLINE;
    } else {
      try {
        r = RejectReason.valueOf(t);
      } catch (IllegalArgumentException x) {
        r = null;
      }
    }
    if (r == null || r == RejectReason.NOT_SPECIFIED || r == RejectReason.FORWARDED) {
      throw new IllegalArgumentException("unknown reason '" + text
          + "' (busy, decline, unavailable, not_acceptable, timeout, decline_everywhere)");
    }
    return r;
  }

  /** The message of a failure, unwrapped from the future's exceptions. */
  static String cause(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
