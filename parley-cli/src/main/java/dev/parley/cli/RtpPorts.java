package dev.parley.cli;

import dev.parley.media.MediaNetworkConfig;

/** The {@code --rtp-ports MIN-MAX} option of {@code parley uas} and {@code parley client}. */
final class RtpPorts {
  private RtpPorts() {}

  /**
   * The range {@code value} names, or the media network's default when it is null.
   *
   * @return {min, max}
   * @throws IllegalArgumentException whose message starts with {@code --rtp-ports:}
   */
  static int[] parse(String value) {
    if (value == null) {
      return new int[] {MediaNetworkConfig.DEFAULT_MIN_PORT, MediaNetworkConfig.DEFAULT_MAX_PORT};
    }
    int dash = value.indexOf('-');
    int min;
    int max;
    try {
      if (dash <= 0) {
        throw new NumberFormatException();
      }
      min = Integer.parseInt(value.substring(0, dash).trim());
      max = Integer.parseInt(value.substring(dash + 1).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--rtp-ports: '" + value + "' is not MIN-MAX, e.g. 20000-20999", e);
    }
    int firstEven = min + (min & 1); // RTP takes an even port, RTCP the odd one after it
    if (min < 1 || max > 65535 || min > max || firstEven + 1 > max) {
      throw new IllegalArgumentException("--rtp-ports: '" + value
          + "': needs 1 <= MIN < MAX <= 65535 with an even port and the one after it inside"
          + " (an RTP port and its RTCP port)");
    }
    return new int[] {min, max};
  }
}
