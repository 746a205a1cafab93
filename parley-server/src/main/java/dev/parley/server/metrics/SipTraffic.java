package dev.parley.server.metrics;

import dev.parley.sip.SipMethod;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the SIP requests the server's transaction user receives, by method: one
 * {@link LongAdder} per method of {@link #METHODS}, and one for every other method, so that a
 * method name from the network never becomes a label of its own. Retransmissions are absorbed
 * by the transaction layer and not counted, except where no transaction holds them: an ACK for
 * a 2xx is no transaction, so each copy counts (RFC 3261 §13.2.2.4: the caller ACKs every 2xx
 * retransmission), and a request answered statelessly (the 401 and 407 challenges, §8.2.7)
 * keeps none, so its retransmissions and its ACK count too. The ACK for a non-2xx sent by a
 * transaction ends it (§17.2.1) and is not counted.
 *
 * <p>Thread-safe; {@link #received(SipMethod)} is cheap (a string switch and an add) and never
 * blocks, for the event loops.
 */
public final class SipTraffic {
  /** The methods counted by name (RFC 3261 and its extensions); any other counts as {@value #OTHER}. */
  public static final List<String> METHODS = List.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS",
      "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE",
      "UPDATE");
  /** The label of the methods not in {@link #METHODS}: {@value}. */
  public static final String OTHER = "other";

  private final LongAdder[] received = new LongAdder[METHODS.size() + 1];

  /** Counters at zero. */
  public SipTraffic() {
    for (int i = 0; i < received.length; i++) {
      received[i] = new LongAdder();
    }
  }

  /** Counts a request received with {@code method}. */
  public void received(SipMethod method) {
    received[index(method.name())].increment();
  }

  /**
   * Requests received with {@code method} (a name of {@link #METHODS}, or {@value #OTHER}) since
   * start.
   *
   * @throws IllegalArgumentException if {@code method} is neither
   */
  public long received(String method) {
    Objects.requireNonNull(method, "method");
    int i = method.equals(OTHER) ? METHODS.size() : METHODS.indexOf(method);
    if (i < 0) {
      throw new IllegalArgumentException("method is not counted by name: " + method
          + " (one of " + METHODS + " or " + OTHER + ")");
    }
    return received[i].sum();
  }

  private static int index(String method) {
    return switch (method) {
      case "INVITE" -> 0;
      case "ACK" -> 1;
      case "BYE" -> 2;
      case "CANCEL" -> 3;
      case "OPTIONS" -> 4;
      case "REGISTER" -> 5;
      case "PRACK" -> 6;
      case "SUBSCRIBE" -> 7;
      case "NOTIFY" -> 8;
      case "PUBLISH" -> 9;
      case "INFO" -> 10;
      case "REFER" -> 11;
      case "MESSAGE" -> 12;
      case "UPDATE" -> 13;
      default -> 14;
    };
  }
}
