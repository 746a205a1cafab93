package dev.parley.media.internal;

/**
 * The RTP ports of a media network: the even ports {@code p} of {@code min..max} whose RTCP port
 * {@code p + 1} is in the range too. A port is reserved while one of the network's sockets tries
 * to bind it or holds it, and released when the socket closes. Reservation goes round the range
 * from where the last one stopped, so a port just released is the last to be taken again (late
 * packets of an ended stream do not reach the next one), and starts at a random pair: another
 * process on the machine with the same range (a restarted server whose peers still send to the
 * old calls' ports, a second test run) does not take the same ports in the same order.
 *
 * <p>Thread-safe (short synchronized sections, no I/O inside).
 */
public final class PortRange {
  private final int first;
  private final int pairs;
  private final boolean[] reserved;
  private int cursor;
  private int inUse;

  /**
   * The range {@code min..max}, reservation starting at a random pair; it must hold at least one
   * even port with its port + 1.
   */
  public PortRange(int min, int max) {
    this(min, max, -1);
  }

  /**
   * The range {@code min..max}, reservation starting at its pair number {@code start} (0 for the
   * lowest port; negative: a random one).
   */
  public PortRange(int min, int max, int start) {
    int firstEven = min + (min & 1);
    int count = firstEven + 1 > max ? 0 : (max - 1 - firstEven) / 2 + 1;
    if (count <= 0) {
      throw new IllegalArgumentException("port range " + min + ".." + max
          + " holds no even RTP port with its RTCP port (port + 1)");
    }
    this.first = firstEven;
    this.pairs = count;
    this.reserved = new boolean[count];
    this.cursor = start < 0 ? java.util.concurrent.ThreadLocalRandom.current().nextInt(count)
        : start % count;
  }

  /** The number of RTP ports (pairs) of the range. */
  public int size() {
    return pairs;
  }

  /** The lowest RTP port. */
  public int firstPort() {
    return first;
  }

  /** The highest RTP port. */
  public int lastPort() {
    return first + 2 * (pairs - 1);
  }

  /** Reserves the next free RTP port after the last one reserved; -1 when none is free. */
  public synchronized int reserve() {
    for (int i = 0; i < pairs; i++) {
      int k = (cursor + i) % pairs;
      if (!reserved[k]) {
        reserved[k] = true;
        inUse++;
        cursor = (k + 1) % pairs;
        return first + 2 * k;
      }
    }
    return -1;
  }

  /** Returns {@code port} (one {@link #reserve()} gave) to the range. */
  public synchronized void release(int port) {
    int k = (port - first) / 2;
    if (port < first || (port - first) % 2 != 0 || k >= pairs || !reserved[k]) {
      throw new IllegalArgumentException("port not reserved: " + port);
    }
    reserved[k] = false;
    inUse--;
  }

  /** The number of RTP ports reserved now. */
  public synchronized int inUse() {
    return inUse;
  }

  @Override
  public String toString() {
    return first + ".." + (lastPort() + 1);
  }
}
