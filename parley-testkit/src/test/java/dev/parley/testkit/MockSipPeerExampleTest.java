package dev.parley.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transport.Hop;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Transport;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The example of docs/testkit.md, as it is printed there: the code under test (here Parley's
 * transport layer, standing in for yours) sends a MESSAGE to a {@link MockSipPeer}, which answers
 * by script; then the peer sends a request of its own and checks the answer.
 */
class MockSipPeerExampleTest {
  @Test
  void aMessageIsAnsweredByScriptAndThePeerChecksWhatArrived() throws Exception {
    try (MockSipPeer bob = MockSipPeer.start();
        NettyTransportLayer alice = NettyTransportLayer.builder().listen("tcp:127.0.0.1:0")
            .build()) {
      BlockingQueue<SipMessage> atAlice = new LinkedBlockingQueue<>();
      alice.setListener(inbound -> atAlice.add(inbound.message()));
      alice.start().get(10, TimeUnit.SECONDS);

      // 1. Script: the next MESSAGE that reaches bob gets 200 OK.
      bob.enqueue(SipMethod.MESSAGE, 200);

      // 2. The code under test sends its MESSAGE to bob's address, here over TCP.
      SipRequest hello = SipRequest.builder(SipMethod.MESSAGE, SipUri.parse(bob.uri("bob")))
          .header(HeaderName.VIA, "SIP/2.0/TCP 127.0.0.1;branch=" + MockSipPeer.newBranch())
          .header(HeaderName.MAX_FORWARDS, "70")
          .header(HeaderName.FROM, "<sip:alice@example.com>;tag=a1")
          .header(HeaderName.TO, "<" + bob.uri("bob") + ">")
          .header(HeaderName.CALL_ID, "example-1")
          .header(HeaderName.CSEQ, "1 MESSAGE")
          .body(MediaType.parse("text/plain"), "Hello Bob")
          .build();
      alice.send(hello, new Hop(Transport.TCP, bob.address())).get(10, TimeUnit.SECONDS);

      // 3. What bob received, in order; and the scripted answer reached the code under test.
      SipRequest received = bob.takeRequest(SipMethod.MESSAGE);
      assertThat(received.bodyAsString()).isEqualTo("Hello Bob");
      SipResponse ok = (SipResponse) atAlice.poll(10, TimeUnit.SECONDS);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.to().tag()).isNotNull();

      // 4. Bob answers the next request by hand and checks that nothing else came.
      alice.send(hello.toBuilder()
          .setHeader(HeaderName.VIA, "SIP/2.0/TCP 127.0.0.1;branch=" + MockSipPeer.newBranch())
          .setHeader(HeaderName.CSEQ, "2 MESSAGE").build(),
          new Hop(Transport.TCP, bob.address())).get(10, TimeUnit.SECONDS);
      bob.respond(bob.takeRequest(SipMethod.MESSAGE), 486, "Retry-After", "60");
      SipResponse busy = (SipResponse) atAlice.poll(10, TimeUnit.SECONDS);
      assertThat(busy.statusCode()).isEqualTo(486);
      assertThat(busy.headers().get("Retry-After")).isEqualTo("60");
      assertThat(bob.poll(Duration.ofMillis(200))).isNull();
    }
  }
}
