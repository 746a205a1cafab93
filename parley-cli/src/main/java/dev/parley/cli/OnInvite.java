package dev.parley.cli;

import dev.parley.client.RejectReason;

/**
 * What {@code parley client} does with an invitation ({@code --on-invite}): accept it, reject it
 * with a reason, or ask (the interactive prompt, or a script's {@code accept}/{@code reject}).
 *
 * @param reject the reason to reject with, or null
 * @param accept whether to accept
 */
record OnInvite(RejectReason reject, boolean accept) {
  static final OnInvite ACCEPT = new OnInvite(null, true);
  static final OnInvite ASK = new OnInvite(null, false);

  /** Parses {@code accept}, {@code ask} or {@code reject:REASON}. */
  static OnInvite parse(String text) {
    String t = text.strip();
    if (t.equalsIgnoreCase("accept")) {
      return ACCEPT;
    }
    if (t.equalsIgnoreCase("ask")) {
      return ASK;
    }
    if (t.regionMatches(true, 0, "reject:", 0, 7)) {
      return new OnInvite(Words.rejectReason(t.substring(7)), false);
    }
    throw new IllegalArgumentException("must be accept, ask or reject:REASON, not '" + text + "'");
  }
}
