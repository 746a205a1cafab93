package dev.parley.dialog;

import dev.parley.sip.SipRequest;
import java.nio.charset.StandardCharsets;

/**
 * The status line a REFER's NOTIFY carries as {@code message/sipfrag} (RFC 3515 §2.4.5): how the
 * referred request is doing, e.g. {@code SIP/2.0 100 Trying} or {@code SIP/2.0 200 OK}. Only the
 * status line is read here.
 *
 * @param statusCode the status code, 100..699
 * @param reasonPhrase the reason phrase (may be empty)
 */
public record ReferStatus(int statusCode, String reasonPhrase) {
  /** At most this many bytes of a body are looked at for the status line. */
  private static final int MAX_LINE = 1024;

  /** Whether the referred request has its final answer (200..699). */
  public boolean isFinal() {
    return statusCode >= 200;
  }

  /** The status line of {@code notify}'s body, or null when it does not start with one. */
  public static ReferStatus of(SipRequest notify) {
    return parse(notify.body());
  }

  /**
   * The status line {@code SIP/2.0 SP 3DIGIT SP reason} at the start of {@code sipfrag}, or null
   * when there is none.
   */
  public static ReferStatus parse(byte[] sipfrag) {
    if (sipfrag == null) {
      return null;
    }
    int end = 0;
    int limit = Math.min(sipfrag.length, MAX_LINE);
    while (end < limit && sipfrag[end] != '\r' && sipfrag[end] != '\n') {
      end++;
    }
    String line = new String(sipfrag, 0, end, StandardCharsets.UTF_8);
    if (!line.startsWith("SIP/2.0 ") || line.length() < 11) {
      return null;
    }
    String code = line.substring(8, 11);
    if (!code.chars().allMatch(c -> c >= '0' && c <= '9')
        || (line.length() > 11 && line.charAt(11) != ' ')) {
      return null;
    }
    int status = Integer.parseInt(code);
    if (status < 100 || status > 699) {
      return null;
    }
    return new ReferStatus(status, line.length() > 12 ? line.substring(12).strip() : "");
  }
}
