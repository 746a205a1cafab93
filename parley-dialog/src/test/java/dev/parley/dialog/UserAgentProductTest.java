package dev.parley.dialog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A user agent names its product where it builds its messages: User-Agent and Server. */
class UserAgentProductTest {
  private static final SipUri BOB = SipUri.parse("sip:bob@127.0.0.2:5070");

  private final FakeScheduler clock = new FakeScheduler();
  private final FakeTransportLayer aliceNet =
      new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.1:5060"));
  private final FakeTransportLayer bobNet =
      new FakeTransportLayer(clock, ListenPoint.parse("udp:127.0.0.2:5070"));

  private static SipRequest request(UserAgent ua, SipMethod method) {
    return ua.newRequest(method, BOB, Address.of(SipUri.parse("sip:alice@127.0.0.1")),
        Address.of(BOB), Transport.UDP).build();
  }

  private static Hop bobHop() {
    return new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070));
  }

  @Test
  void requestsOfTheCallAndTheCalleesAnswersNameEachSidesProduct() {
    aliceNet.connect(bobNet);
    UserAgent alice = UserAgent.builder(aliceNet).contactUser("alice").product("Alice/1.0")
        .build();
    UserAgent.builder(bobNet).contactUser("bob").product("Bob/2.0")
        .handler(invite -> invite.accept(null, null)).build();

    Dialog call = alice.invite(request(alice, SipMethod.INVITE), bobHop()).join();
    assertThat(alice.bye(call).join().statusCode()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(40));

    // INVITE (newRequest), ACK for the 2xx and BYE (in the dialog)
    assertThat(aliceNet.sentRequests()).extracting(r -> r.method().name())
        .containsExactly("INVITE", "ACK", "BYE");
    assertThat(aliceNet.sentRequests())
        .allSatisfy(r -> assertThat(r.headers().get(HeaderName.USER_AGENT)).isEqualTo("Alice/1.0"));
    // the 200 to the INVITE (IncomingInvite) and to the BYE (the dialog layer's own answer); a
    // 100 Trying would be the transaction layer's, which names none
    assertThat(bobNet.sentResponses()).filteredOn(r -> r.statusCode() > 100)
        .extracting(SipResponse::statusCode).containsExactly(200, 200);
    assertThat(bobNet.sentResponses()).filteredOn(r -> r.statusCode() > 100)
        .allSatisfy(r -> assertThat(r.headers().get(HeaderName.SERVER)).isEqualTo("Bob/2.0"));
  }

  @Test
  void withoutAProductNeitherHeaderIsWritten() {
    UserAgent plain = UserAgent.builder(aliceNet).product("").build();
    SipRequest options = request(plain, SipMethod.OPTIONS);
    assertThat(options.headers().contains(HeaderName.USER_AGENT)).isFalse();
    assertThat(plain.response(options, 200).build().headers().contains(HeaderName.SERVER))
        .isFalse();
  }

  @Test
  void aResponseBuiltByTheUserAgentCarriesItsServerAndTheToTagAsked() {
    UserAgent named = UserAgent.builder(aliceNet).product("Acme/3").build();
    SipRequest options = request(named, SipMethod.OPTIONS);
    SipResponse ok = named.response(options, 200, "t1").build();
    assertThat(ok.headers().get(HeaderName.SERVER)).isEqualTo("Acme/3");
    assertThat(ok.to().tag()).isEqualTo("t1");
  }

  @Test
  void aProductWithALineBreakIsRefused() {
    assertThatThrownBy(() -> UserAgent.builder(aliceNet).product("A\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
  }
}
