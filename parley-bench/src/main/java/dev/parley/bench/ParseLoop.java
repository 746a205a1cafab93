package dev.parley.bench;

import dev.parley.sip.Address;
import dev.parley.sip.CSeq;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import dev.parley.sip.Via;

/**
 * One turn of {@link ParseAlternation}: parses messages and reads what {@link ParseBenchmark}'s
 * {@code parley} method reads, in the same order. Loaded once per build under comparison (each
 * in its own class loader, over that build's {@code parley-sip} jar), so it names only JDK and
 * Parley types in its signature.
 */
public final class ParseLoop {
  /** Where read values go, so that nothing the benchmark reads can be left out by the JIT. */
  private static final Object[] SINK = new Object[64];
  private static int next;

  private ParseLoop() {}

  /** Parses {@code n} messages, cycling through {@code wires}; returns a checksum. */
  public static long turn(byte[][] wires, int n) {
    SipParser parser = SipParser.create();
    long sum = 0;
    for (int k = 0; k < n; k++) {
      sum += one(parser, wires[k % wires.length]);
    }
    return sum;
  }

  private static long one(SipParser parser, byte[] wire) {
    SipMessage m = parser.parse(wire);
    Via via = m.topVia();
    consume(via.branch());
    consume(via.host());
    long sum = via.port();
    consume(via.transport());
    Address from = m.from();
    consume(from.uri());
    consume(from.tag());
    Address to = m.to();
    consume(to.uri());
    consume(to.tag());
    consume(m.callId());
    CSeq cseq = m.cseq();
    sum += cseq.sequence();
    consume(cseq.method());
    sum += m.maxForwards();
    for (Address route : m.routes()) {
      consume(route.uri());
    }
    for (Address contact : m.contacts()) {
      consume(contact.uri());
    }
    return sum;
  }

  private static void consume(Object o) {
    SINK[next++ & 63] = o;
  }
}
