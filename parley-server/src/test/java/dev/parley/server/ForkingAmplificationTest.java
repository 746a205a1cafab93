package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.server.config.ServerConfig;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.status.StatusConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 finding 2: contacts pointing back at the server made one unauthenticated MESSAGE fan
 * out through the server itself (K=4: 325 requests; K=6: 1,020 and no final response). The
 * registrar refuses such contacts, and Max-Breadth (RFC 5393) bounds what any configuration can
 * amplify: two servers whose users' contacts point at each other.
 */
class ForkingAmplificationTest extends ProxyFixture {

  @Test
  void registerWithAContactPointingAtTheServerIsRefused() throws Exception {
    start();
    int port = udp().getPort();
    try (UdpSipClient c = new UdpSipClient(udp())) {
      for (String contact : List.of("sip:alice@127.0.0.1:" + port + ";x=0",
          "sip:alice@127.000.000.001:" + port, "sip:alice@[::ffff:127.0.0.1]:" + port,
          "sip:alice@localhost:" + port, "sip:alice@" + DOMAIN + ";x=1")) {
        SipRequest reg = c.register("alice", DOMAIN, "reg-" + contact.hashCode(), 1,
            "Contact: <" + contact + ">\r\n");
        SipResponse r = c.sendAuthorized(reg, "alice", "secret");
        assertThat(r.statusCode()).as(contact).isEqualTo(403);
        assertThat(r.reasonPhrase()).contains("points at this server");
      }
      // a UA on the same host, on another port, is fine
      SipResponse ok = c.sendAuthorized(c.register("alice", DOMAIN, "reg-ok", 1,
          "Contact: <sip:alice@127.0.0.1:" + c.port() + ">\r\n"), "alice", "secret");
      assertThat(ok.statusCode()).isEqualTo(200);
    }
    assertThat(server.location().lookup(new Aor("alice", DOMAIN))).hasSize(1);
  }

  @Test
  void storedBindingPointingAtTheServerIsSkipped() throws Exception {
    start();
    bind("carol", "sip:carol@127.0.0.1:" + udp().getPort() + ";x=1", 1f);
    MockSipPeer sender = keep(MockSipPeer.start("127.0.0.3"));
    sender.send(sender.request("OPTIONS", "sip:carol@" + DOMAIN, "sip:x@elsewhere.example",
        "sip:carol@" + DOMAIN, ""), udp());
    assertThat(sender.takeFinalResponse().statusCode()).isEqualTo(480);
    assertThat(server.proxyStats().requestsForwarded()).isZero();
  }

  @Test
  void moreTargetsThanMaxBreadthIs440AndBranchesShareIt() throws Exception {
    start();
    List<MockSipPeer> phones = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      MockSipPeer p = keep(MockSipPeer.start("127.0.0.2"));
      phones.add(p);
      bind("bob", p.uri("bob"), 1f);
    }
    MockSipPeer sender = keep(MockSipPeer.start("127.0.0.3"));
    sender.send(sender.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:x@elsewhere.example",
        "sip:bob@" + DOMAIN, "Max-Breadth: 3\r\n"), udp());
    SipResponse r = sender.takeFinalResponse();
    assertThat(r.statusCode()).isEqualTo(440);
    assertThat(server.proxyStats().maxBreadthExceeded()).isEqualTo(1);

    // a larger Max-Breadth than ours is lowered to ours (RFC 5393 §5.3.1)
    sender.send(sender.request("MESSAGE", "sip:bob@" + DOMAIN, "sip:x@elsewhere.example",
        "sip:bob@" + DOMAIN, "Max-Breadth: 2000000000\r\n"), udp());
    for (MockSipPeer p : phones) {
      SipRequest m = p.takeRequest();
      assertThat(m.headers().get(HeaderName.MAX_BREADTH)).isEqualTo("15"); // 60 / 4
      p.respondWithTag(m, 200, "t");
    }
    assertThat(sender.takeFinalResponse().statusCode()).isEqualTo(200);
  }

  @Test
  void twoServersWhoseUsersPointAtEachOtherCannotAmplify() throws Exception {
    // server A (the fixture's) and server B, each with alice; every contact of each points at
    // the other server: without Max-Breadth one MESSAGE grows by 4x per hop until Max-Forwards
    start();
    SipServer a = server;
    Path dataB = Files.createDirectory(data.resolve("b"));
    try (Store store = Store.embedded(dataB)) {
      store.addAccount(Account.withPassword("b.example", "alice", "secret"));
    }
    SipServer b = keep(SipServer.start(ServerConfig.builder().domain("b.example").dataDir(dataB)
        .listen("udp:127.0.0.1:0").threads(2).status(StatusConfig.builder().listen("off").build())
        .registrar(RegistrarConfig.builder().flushInterval(Duration.ofHours(1))
            .sweepInterval(Duration.ofHours(1)).build()).build()));
    int portA = udp().getPort();
    int portB = Phone.hop(b, dev.parley.transport.Transport.UDP).address().getPort();
    for (int i = 0; i < 4; i++) {
      bindAt(a, new Aor("alice", DOMAIN), "sip:alice@127.0.0.1:" + portB + ";x=" + i);
      bindAt(b, new Aor("alice", "b.example"), "sip:alice@127.0.0.1:" + portA + ";x=" + i);
    }
    MockSipPeer sender = keep(MockSipPeer.start("127.0.0.3"));
    sender.send(sender.request("MESSAGE", "sip:alice@" + DOMAIN, "sip:x@elsewhere.example",
        "sip:alice@" + DOMAIN, ""), udp());
    SipResponse r = sender.takeFinalResponse();
    assertThat(r.statusCode()).isGreaterThanOrEqualTo(400);
    long forwarded = a.proxyStats().requestsForwarded() + b.proxyStats().requestsForwarded();
    // 60 -> 4 x 15 -> 16 x 3 -> 440: 4 + 16 forwarded, whatever the timing
    assertThat(forwarded).isLessThanOrEqualTo(20);
    await().atMost(Duration.ofSeconds(20)).until(() -> b.proxyStats().activeContexts() == 0);
  }

  private static void bindAt(SipServer s, Aor aor, String contact) {
    long now = System.currentTimeMillis();
    s.location().update(aor, current -> {
      List<Binding> next = new ArrayList<>(current);
      next.add(new Binding(aor, dev.parley.sip.Address.parse("<" + contact + ">"), now + 600_000,
          1f, "bind-" + contact, 1, List.of(), null, 0, null, null, now));
      return next;
    });
  }
}
