package dev.parley.bench;

import dev.parley.sip.Address;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;

/**
 * What a proxy reads from a message, as one comparable line of text, for each parser. The benchmark
 * checks before measuring that both parsers read the same values from a fixture, so neither side can
 * look fast by reading nothing or reading wrong.
 *
 * <p>The benchmark methods repeat these reads inline into a {@code Blackhole} rather than call this
 * class: building strings here would dominate what is measured.
 */
final class ProxyView {

  private ProxyView() {}

  /**
   * Parses {@code wire} with both parsers and throws if they disagree on anything a proxy reads.
   *
   * @throws IllegalStateException naming the fixture and both readings when they differ
   */
  static void check(String name, byte[] wire) throws ParseException {
    JainSipLogging.install();
    String jainSip = ofJainSip(new StringMsgParser().parseSIPMessage(wire, true, false, null));
    String parley = ofParley(SipParser.create().parse(wire));
    if (!parley.equals(jainSip)) {
      throw new IllegalStateException(
          "parsers disagree on " + name + ":\n  parley:  " + parley + "\n  jainsip: " + jainSip);
    }
  }

  /** The proxy's reading of a message parsed by Parley. */
  static String ofParley(SipMessage m) {
    dev.parley.sip.Via via = m.topVia();
    Address from = m.from();
    Address to = m.to();
    List<String> routes = new ArrayList<>();
    for (Address route : m.routes()) {
      routes.add(route.uri().toString());
    }
    List<String> contacts = new ArrayList<>();
    for (Address contact : m.contacts()) {
      contacts.add(contact.uri().toString());
    }
    return line(
        via.transport(), via.host(), via.port(), via.branch(),
        from.uri().toString(), from.tag(),
        to.uri().toString(), to.tag(),
        m.callId(), m.cseq().sequence(), m.cseq().method().name(),
        m.maxForwards(),
        routes, contacts);
  }

  /** The proxy's reading of a message parsed by JAIN-SIP. */
  static String ofJainSip(SIPMessage m) {
    Via via = m.getTopmostVia();
    FromHeader from = m.getFrom();
    ToHeader to = m.getTo();
    CSeqHeader cseq = m.getCSeq();
    MaxForwardsHeader maxForwards = m.getMaxForwards();
    List<String> routes = new ArrayList<>();
    for (Iterator<?> it = m.getHeaders(RouteHeader.NAME); it.hasNext(); ) {
      routes.add(((RouteHeader) it.next()).getAddress().getURI().toString());
    }
    List<String> contacts = new ArrayList<>();
    for (Iterator<?> it = m.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
      contacts.add(((ContactHeader) it.next()).getAddress().getURI().toString());
    }
    return line(
        via.getTransport(), via.getHost(), via.getPort(), via.getBranch(),
        from.getAddress().getURI().toString(), from.getTag(),
        to.getAddress().getURI().toString(), to.getTag(),
        m.getCallId().getCallId(), cseq.getSeqNumber(), cseq.getMethod(),
        maxForwards == null ? -1 : maxForwards.getMaxForwards(),
        routes, contacts);
  }

  private static String line(
      String transport, String host, int port, String branch,
      String fromUri, String fromTag, String toUri, String toTag,
      String callId, long sequence, String method, int maxForwards,
      List<String> routes, List<String> contacts) {
    return "via=" + transport + " " + host + ":" + port + ";branch=" + branch
        + " from=" + fromUri + ";tag=" + fromTag
        + " to=" + toUri + ";tag=" + toTag
        + " call-id=" + callId
        + " cseq=" + sequence + " " + method
        + " max-forwards=" + maxForwards
        + " routes=" + routes
        + " contacts=" + contacts;
  }
}
