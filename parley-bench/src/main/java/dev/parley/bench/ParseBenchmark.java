package dev.parley.bench;

import dev.parley.sip.Address;
import dev.parley.sip.CSeq;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.text.ParseException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parses one real SIP message from its bytes and reads what a proxy reads (top Via's branch, host,
 * port and transport; From and To URI and tag; Call-ID; CSeq; Max-Forwards; every Route and Contact
 * URI), with Parley's parser and with JAIN-SIP's, in the same run.
 *
 * <p>One operation is one message, so ops/s is messages/s and {@code gc.alloc.rate.norm} is bytes per
 * message. Each operation parses the wire bytes from scratch: no message object survives an
 * operation. Run through {@code parley-bench/bench/parse.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParseBenchmark {

  /** The fixture under {@code src/main/resources/messages/}. */
  @Param({"invite", "register", "ok200", "message"})
  public String message;

  private byte[] wire;
  private SipParser parleyParser;
  private StringMsgParser jainSipParser;

  @Setup
  public void setUp() throws ParseException {
    JainSipLogging.install();
    wire = Fixtures.load(message);
    parleyParser = SipParser.create();
    // NIST's UDP channel keeps one StringMsgParser per channel and reuses it; so do we.
    jainSipParser = new StringMsgParser();
    ProxyView.check(message, wire);
  }

  /** Parley: frame the message, then type each header a proxy reads on first access. */
  @Benchmark
  public void parley(Blackhole bh) {
    SipMessage m = parleyParser.parse(wire);
    dev.parley.sip.Via via = m.topVia();
    bh.consume(via.branch());
    bh.consume(via.host());
    bh.consume(via.port());
    bh.consume(via.transport());
    Address from = m.from();
    bh.consume(from.uri());
    bh.consume(from.tag());
    Address to = m.to();
    bh.consume(to.uri());
    bh.consume(to.tag());
    bh.consume(m.callId());
    CSeq cseq = m.cseq();
    bh.consume(cseq.sequence());
    bh.consume(cseq.method());
    bh.consume(m.maxForwards());
    for (Address route : m.routes()) {
      bh.consume(route.uri());
    }
    for (Address contact : m.contacts()) {
      bh.consume(contact.uri());
    }
  }

  /** JAIN-SIP RI: {@code StringMsgParser} as NIST's UDP message channel calls it, then the getters. */
  @Benchmark
  public void jainsip(Blackhole bh) throws ParseException {
    SIPMessage m = jainSipParser.parseSIPMessage(wire, true, false, null);
    Via via = m.getTopmostVia();
    bh.consume(via.getBranch());
    bh.consume(via.getHost());
    bh.consume(via.getPort());
    bh.consume(via.getTransport());
    FromHeader from = m.getFrom();
    bh.consume(from.getAddress().getURI());
    bh.consume(from.getTag());
    ToHeader to = m.getTo();
    bh.consume(to.getAddress().getURI());
    bh.consume(to.getTag());
    bh.consume(m.getCallId().getCallId());
    CSeqHeader cseq = m.getCSeq();
    bh.consume(cseq.getSeqNumber());
    bh.consume(cseq.getMethod());
    MaxForwardsHeader maxForwards = m.getMaxForwards();
    bh.consume(maxForwards == null ? -1 : maxForwards.getMaxForwards());
    for (Iterator<?> it = m.getHeaders(RouteHeader.NAME); it.hasNext(); ) {
      bh.consume(((RouteHeader) it.next()).getAddress().getURI());
    }
    for (Iterator<?> it = m.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
      bh.consume(((ContactHeader) it.next()).getAddress().getURI());
    }
  }
}
