package dev.parley.media;

import java.util.Objects;

/**
 * Turns received RFC 4733 telephone-event packets into DTMF digits, each reported once.
 *
 * <p>An event is known by its RTP timestamp (§2.5.2). A digit is reported when its end packet
 * arrives; the retransmitted end packets and late updates of an event already reported are
 * dropped and counted ({@link #duplicates()}). A digit whose end packets were all lost is still
 * reported when a packet of a newer event arrives, or by {@link #poll(long)} once no packet of it
 * has come for the timeout. Packets older than the current event (by RTP timestamp, modulo 2^32)
 * are dropped and counted as late; malformed payloads and events that are not digits are counted
 * and dropped. Time is the caller's: every method takes the current time in milliseconds.
 *
 * <p>Not thread-safe: called by the stream's receive path, one thread at a time.
 */
public final class DtmfReceiver {
  /** The default time without packets after which an event with no end packet is reported. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 200;

  private final long timeoutMillis;

  private boolean inEvent;
  private int currentEvent;
  private long currentTimestamp;
  private long lastSeenMillis;

  private boolean haveLast;
  private long lastTimestamp;
  private boolean lastReported;

  private long duplicates;
  private long late;
  private long malformed;
  private long notDigits;

  /** A receiver with the default timeout. */
  public DtmfReceiver() {
    this(DEFAULT_TIMEOUT_MILLIS);
  }

  /**
   * A receiver.
   *
   * @param timeoutMillis how long after an event's last packet it is reported if its end packet
   *     never came, 1..10000
   */
  public DtmfReceiver(long timeoutMillis) {
    if (timeoutMillis < 1 || timeoutMillis > 10_000) {
      throw new IllegalArgumentException("timeoutMillis out of range 1..10000: " + timeoutMillis);
    }
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Takes one telephone-event packet.
   *
   * @param timestamp the packet's RTP timestamp
   * @param payload the RTP payload
   * @param nowMillis the caller's current time
   * @return the digits this packet completes, in order: usually "" or one digit, two when it also
   *     ends an event whose end packet was lost
   */
  public String receive(long timestamp, byte[] payload, int offset, int length, long nowMillis) {
    DtmfEvent event;
    try {
      event = DtmfEvent.decode(payload, offset, length);
    } catch (IllegalArgumentException e) {
      malformed++;
      return "";
    }
    return receive(timestamp, event, nowMillis);
  }

  /** Takes one decoded telephone-event, as {@link #receive(long, byte[], int, int, long)}. */
  public String receive(long timestamp, DtmfEvent event, long nowMillis) {
    Objects.requireNonNull(event, "event");
    long ts = timestamp & 0xffffffffL;
    if (!event.isDigit()) {
      notDigits++;
      return "";
    }
    if (haveLast && ts == lastTimestamp) {
      if (lastReported) {
        duplicates++;
        return "";
      }
      lastSeenMillis = nowMillis;
      return event.end() ? report() : "";
    }
    if (haveLast && (int) (ts - lastTimestamp) < 0) {
      late++;
      return "";
    }
    String previous = inEvent ? report() : "";
    haveLast = true;
    lastTimestamp = ts;
    lastReported = false;
    inEvent = true;
    currentEvent = event.event();
    currentTimestamp = ts;
    lastSeenMillis = nowMillis;
    return event.end() ? previous + report() : previous;
  }

  /**
   * The digit of an event whose packets stopped without an end packet, once {@code timeoutMillis}
   * have passed since its last packet; else "". Call it now and then (every 20 ms tick will do).
   */
  public String poll(long nowMillis) {
    if (inEvent && nowMillis - lastSeenMillis >= timeoutMillis) {
      return report();
    }
    return "";
  }

  private String report() {
    inEvent = false;
    lastReported = true;
    return String.valueOf(new DtmfEvent(currentEvent, true, 0, 0).digit());
  }

  /** True while an event has started and not been reported. */
  public boolean inEvent() {
    return inEvent;
  }

  /** The RTP timestamp of the event in progress (meaningful while {@link #inEvent()}). */
  public long currentTimestamp() {
    return currentTimestamp;
  }

  /**
   * Forgets the current event's timestamp, so that the next packet is taken whatever its
   * timestamp: its source started afresh (a new SSRC, or an RFC 3550 A.1 restart), and a
   * timestamp behind the last one no longer means a late packet. Counts are kept.
   */
  public void restart() {
    haveLast = false;
  }

  /** Packets of an event already reported (retransmitted end packets, late updates). */
  public long duplicates() {
    return duplicates;
  }

  /** Packets older than the current event, dropped. */
  public long late() {
    return late;
  }

  /** Payloads too short to hold an event, dropped. */
  public long malformed() {
    return malformed;
  }

  /** Events other than the digits 0-15 (flash, tones), dropped. */
  public long notDigits() {
    return notDigits;
  }
}
