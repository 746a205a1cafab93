package dev.parley.media;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns DTMF digits into RFC 4733 telephone-event packets, one 20 ms packet interval at a time.
 *
 * <p>For each digit (RFC 4733 §2.5.1): a first packet with the RTP marker bit, then an update
 * every 20 ms with the duration grown, then the end packet (E bit) sent {@value #END_PACKETS}
 * times, all with the timestamp of the event's start; then a silent gap before the next digit.
 * The caller drives time: it calls {@link #tick(long)} once per 20 ms packet interval of the
 * stream, with the RTP timestamp that interval would carry, and sends what it returns (in place of
 * audio while {@link #isSending()}). No thread of its own.
 *
 * <p>Not thread-safe: {@link #send(String)} and {@link #tick(long)} are called by the stream's
 * owner, one thread at a time.
 */
public final class DtmfSender {
  /** The default length of a digit's tone. */
  public static final int DEFAULT_DIGIT_MILLIS = 100;
  /** The default silence between two digits, after the last end packet. */
  public static final int DEFAULT_GAP_MILLIS = 60;
  /** The default volume, in -dBm0. */
  public static final int DEFAULT_VOLUME = 10;
  /** How often each end packet is sent (RFC 4733 §2.5.1.4: the final packet is sent 3 times). */
  public static final int END_PACKETS = 3;
  /** The most digits waiting to be sent; {@link #send(String)} refuses more. */
  public static final int MAX_QUEUED_DIGITS = 64;

  /** One packet to send: its RTP timestamp, marker bit and telephone-event payload. */
  public record Packet(long timestamp, boolean marker, DtmfEvent event) {
    /** The RTP payload, {@link DtmfEvent#encode()}. */
    public byte[] payload() {
      return event.encode();
    }
  }

  private enum State { IDLE, TONE, END, GAP }

  private final int step;
  private final int digitDuration;
  private final int gapTicks;
  private final int volume;
  private final ArrayDeque<Integer> queue = new ArrayDeque<>();

  private State state = State.IDLE;
  private int event;
  private long eventTimestamp;
  private int duration;
  private int endsSent;
  private int gapLeft;

  /** A sender with the default digit length, gap and volume. */
  public DtmfSender(int clockRate) {
    this(clockRate, DEFAULT_DIGIT_MILLIS, DEFAULT_GAP_MILLIS, DEFAULT_VOLUME);
  }

  /**
   * A sender.
   *
   * @param clockRate the telephone-event's clock rate, 8000, 16000 or 48000: the rate its
   *     durations count at (the negotiated telephone-event's, which may differ from the audio's:
   *     an Opus stream sending {@code telephone-event/8000}); timestamps are not counted here
   * @param digitMillis the tone length, 40..1000, a multiple of 20
   * @param gapMillis the silence between digits, 0..1000, a multiple of 20
   * @param volume 0..63 (-dBm0)
   * @throws IllegalArgumentException naming the argument out of range
   */
  public DtmfSender(int clockRate, int digitMillis, int gapMillis, int volume) {
    if (clockRate != 8000 && clockRate != 16000 && clockRate != 48000) {
      throw new IllegalArgumentException("clockRate must be 8000, 16000 or 48000: " + clockRate);
    }
    if (digitMillis < 40 || digitMillis > 1000 || digitMillis % 20 != 0) {
      throw new IllegalArgumentException(
          "digitMillis must be a multiple of 20 in 40..1000: " + digitMillis);
    }
    if (gapMillis < 0 || gapMillis > 1000 || gapMillis % 20 != 0) {
      throw new IllegalArgumentException(
          "gapMillis must be a multiple of 20 in 0..1000: " + gapMillis);
    }
    if (volume < 0 || volume > 63) {
      throw new IllegalArgumentException("volume out of range 0..63: " + volume);
    }
    this.step = clockRate / 50;
    this.digitDuration = clockRate / 1000 * digitMillis;
    this.gapTicks = gapMillis / 20;
    this.volume = volume;
  }

  /**
   * Queues digits to send after those already queued.
   *
   * @param digits {@code 0-9 * # A-D} (letters in either case)
   * @throws IllegalArgumentException if a character is not a DTMF digit, or more than
   *     {@value #MAX_QUEUED_DIGITS} digits would wait; then nothing is queued
   */
  public void send(String digits) {
    Objects.requireNonNull(digits, "digits");
    int[] events = new int[digits.length()];
    for (int i = 0; i < events.length; i++) {
      events[i] = DtmfEvent.eventOf(digits.charAt(i));
    }
    if (queue.size() + events.length > MAX_QUEUED_DIGITS) {
      throw new IllegalArgumentException("digits would make more than " + MAX_QUEUED_DIGITS
          + " wait (" + queue.size() + " already): \"" + digits + "\"");
    }
    for (int e : events) {
      queue.add(e);
    }
  }

  /** True while a digit is being sent or waits: the stream should send events, not audio. */
  public boolean isSending() {
    return state == State.TONE || state == State.END || !queue.isEmpty();
  }

  /** True when nothing is queued and the last digit's gap is over. */
  public boolean isIdle() {
    return state == State.IDLE && queue.isEmpty();
  }

  /**
   * The packet to send in this 20 ms interval, if any.
   *
   * @param timestamp the RTP timestamp of this interval, on the audio stream's clock (advancing by
   *     its own rate / 50 per call, whatever the event's clock rate); used as the event's
   *     timestamp when a digit starts
   */
  public Optional<Packet> tick(long timestamp) {
    switch (state) {
      case TONE:
        duration += step;
        if (duration >= digitDuration) {
          duration = digitDuration;
          state = State.END;
          endsSent = 1;
          return packet(false, true);
        }
        return packet(false, false);
      case END:
        if (endsSent < END_PACKETS) {
          endsSent++;
          return packet(false, true);
        }
        state = State.GAP;
        gapLeft = gapTicks;
        return tick(timestamp);
      case GAP:
        if (gapLeft > 0) {
          gapLeft--;
          return Optional.empty();
        }
        state = State.IDLE;
        return tick(timestamp);
      case IDLE:
      default:
        if (queue.isEmpty()) {
          return Optional.empty();
        }
        event = queue.poll();
        eventTimestamp = timestamp & 0xffffffffL;
        duration = step;
        state = State.TONE;
        return packet(true, false);
    }
  }

  private Optional<Packet> packet(boolean marker, boolean end) {
    return Optional.of(
        new Packet(eventTimestamp, marker, new DtmfEvent(event, end, volume, duration)));
  }
}
