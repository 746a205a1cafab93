package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipRequest;
import dev.parley.testkit.MockSipPeer;
import dev.parley.transport.Transport;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Where the proxy sends a request for a registered user (docs/server.md, "Proxy" step 6): over
 * UDP to the Contact unless it shows a NAT, over the registered flow for connection-oriented and
 * RFC 5626 bindings.
 */
class ProxyBindingHopTest extends ProxyFixture {

  @Test
  void udpBindingRegisteredByAnotherSocketIsReachedAtItsContact() throws Exception {
    start();
    MockSipPeer device = peer(); // SIPp's uas, registered by another SIPp run: third-party REGISTER
    Phone registrar = phone("bob", "hunter2");
    assertThat(registrar.register("<" + device.uri("bob") + ">").statusCode()).isEqualTo(200);
    Phone alice = phone("alice", "secret");

    var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return alice.message("bob", "to the device");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    SipRequest atDevice = device.takeRequest();
    assertThat(atDevice.method().name()).isEqualTo("MESSAGE");
    assertThat(atDevice.requestUri().toString()).isEqualTo(device.uri("bob"));
    device.respondWithTag(atDevice, 200, "dev");
    assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(registrar.requests).isEmpty();
  }

  @Test
  void udpBindingWhoseContactIsAnotherAddressThanTheSourceIsReachedAtTheSource()
      throws Exception {
    start();
    Phone bob = phone("bob", "hunter2");
    // a UA behind a NAT writes its private address; only its public source reaches it
    assertThat(bob.register("<sip:bob@192.0.2.7:5060>").statusCode()).isEqualTo(200);
    Phone alice = phone("alice", "secret");

    assertThat(alice.message("bob", "through the NAT").statusCode()).isEqualTo(200);
    SipRequest got = bob.requests.poll(10, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.requestUri().toString()).isEqualTo("sip:bob@192.0.2.7:5060");
  }

  @Test
  void udpBindingWithAnInvalidContactHostIsReachedAtTheSource() throws Exception {
    start();
    Phone bob = keep(Phone.advertising(server, "bob", "hunter2", Transport.UDP, "bob.invalid"));
    assertThat(bob.register().statusCode()).isEqualTo(200);
    Phone alice = phone("alice", "secret");

    assertThat(alice.message("bob", "hi").statusCode()).isEqualTo(200);
    assertThat(bob.requests.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void outboundBindingOverUdpIsReachedOverItsFlowNotItsContact() throws Exception {
    start();
    MockSipPeer elsewhere = peer();
    Phone bob = phone("bob", "hunter2");
    // RFC 5626: an instance with a reg-id is reached over the flow it registered on
    assertThat(bob.register("<" + elsewhere.uri("bob") + ">;+sip.instance="
        + "\"<urn:uuid:00000000-0000-0000-0000-000000000001>\";reg-id=1").statusCode())
        .isEqualTo(200);
    Phone alice = phone("alice", "secret");

    assertThat(alice.message("bob", "over the flow").statusCode()).isEqualTo(200);
    SipRequest got = bob.requests.poll(10, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.requestUri().toString()).isEqualTo(elsewhere.uri("bob"));
  }
}
