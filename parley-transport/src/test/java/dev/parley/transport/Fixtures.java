package dev.parley.transport;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Messages and a recording listener for the transport tests. */
final class Fixtures {
  private Fixtures() {}

  static String options(Transport t, String sentBy, String branch, String callId) {
    return "OPTIONS sip:bob@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/" + t.viaToken() + " " + sentBy + ";branch=" + branch + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <sip:bob@example.com>\r\n"
        + "From: <sip:alice@example.com>;tag=1928301774\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  static SipRequest request(Transport t, String sentBy, String branch) {
    return (SipRequest) SipParser.create().parse(options(t, sentBy, branch, branch + "@test"));
  }

  static SipRequest request(Transport t, ListenPoint from, String branch) {
    return request(t, from.hostText() + ":" + from.address().getPort(), branch);
  }

  /** A 200 copying Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2). */
  static SipResponse ok(SipRequest request) {
    SipResponse.Builder b = SipResponse.builder(200);
    for (String via : request.headers().values(HeaderName.VIA)) {
      b.header(HeaderName.VIA, via);
    }
    return b.header(HeaderName.FROM, request.headers().get(HeaderName.FROM))
        .header(HeaderName.TO, request.headers().get(HeaderName.TO) + ";tag=ok")
        .header(HeaderName.CALL_ID, request.headers().get(HeaderName.CALL_ID))
        .header(HeaderName.CSEQ, request.headers().get(HeaderName.CSEQ))
        .build();
  }

  static Hop hop(ListenPoint lp) {
    return new Hop(lp.transport(), lp.address());
  }

  static Hop hop(Transport t, ListenPoint lp) {
    return new Hop(t, new InetSocketAddress(lp.address().getAddress(), lp.address().getPort()));
  }

  /** Records what a layer delivers; optionally answers every request with 200 on its flow. */
  static class Recorder implements TransportListener {
    final BlockingQueue<Inbound> inbound = new LinkedBlockingQueue<>();
    final List<Flow> closed = new CopyOnWriteArrayList<>();
    volatile TransportLayer answerWith;

    Recorder answering(TransportLayer layer) {
      this.answerWith = layer;
      return this;
    }

    @Override
    public void onMessage(Inbound in) {
      inbound.add(in);
      if (answerWith != null && in.message() instanceof SipRequest r) {
        answerWith.send(ok(r), in.flow());
      }
    }

    @Override
    public void onFlowClosed(Flow flow) {
      closed.add(flow);
    }

    Inbound take() throws InterruptedException {
      Inbound in = inbound.poll(10, TimeUnit.SECONDS);
      if (in == null) {
        throw new AssertionError("no message within 10 s");
      }
      return in;
    }
  }
}
