package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.transport.NettyTransportLayer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Signing in and out against a scripted registrar over real sockets on loopback. */
class SignInTest {
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<EndpointStateChangedEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private ScriptedRegistrar registrar(String listen) {
    ScriptedRegistrar r = new ScriptedRegistrar(NettyTransportLayer.builder().listen(listen).build());
    closing.add(r);
    return r;
  }

  private Endpoint alice(String password, String server, String listen) {
    Endpoint e = Endpoint.builder("sip:alice@example.test").credentials("alice", password)
        .server(server).listen(listen).build();
    e.addListener((endpoint, event) -> events.add(event));
    closing.add(e);
    return e;
  }

  @Test
  void rightPasswordEnablesAndDisableRemovesTheBinding() throws Exception {
    ScriptedRegistrar registrar = registrar("udp:127.0.0.1:0");
    Endpoint alice = alice("secret", registrar.uri().toString(), "udp:127.0.0.1:0");

    alice.enable().get(5, TimeUnit.SECONDS);

    assertThat(alice.state()).isEqualTo(EndpointState.ENABLED);
    assertThat(registrar.registers).hasSize(2); // challenged, then with credentials
    assertThat(registrar.authorized()).hasSize(1);
    assertThat(registrar.registers.get(0).callId()).isEqualTo(registrar.registers.get(1).callId());
    assertThat(registrar.registers.get(0).requestUri().toString()).isEqualTo("sip:example.test");

    alice.disable().get(5, TimeUnit.SECONDS);

    assertThat(alice.state()).isEqualTo(EndpointState.DISABLED);
    var last = registrar.registers.get(registrar.registers.size() - 1);
    assertThat(last.expires()).isZero();
    assertThat(last.callId()).isEqualTo(registrar.registers.get(0).callId());
    assertThat(last.cseq().sequence()).isGreaterThan(registrar.registers.get(1).cseq().sequence());
    org.awaitility.Awaitility.await().until(() -> events.size() == 4);
    assertThat(events).extracting(EndpointStateChangedEvent::newState).containsExactly(
        EndpointState.ENABLING, EndpointState.ENABLED, EndpointState.DISABLING, EndpointState.DISABLED);
    assertThat(events).allSatisfy(e -> assertThat(e.failure()).isEmpty());
  }

  @Test
  void wrongPasswordFailsWithAuthenticationFailed() {
    ScriptedRegistrar registrar = registrar("udp:127.0.0.1:0");
    Endpoint alice = alice("wrong", registrar.uri().toString(), "udp:127.0.0.1:0");

    SignInException failure = failureOf(alice);

    assertThat(failure.reason()).isEqualTo(SignInFailure.AUTHENTICATION_FAILED);
    assertThat(failure.statusCode()).isEqualTo(401);
    assertThat(alice.state()).isEqualTo(EndpointState.DISABLED);
    assertThat(registrar.registers.size()).isBetween(2, 4); // no endless 401 loop
    org.awaitility.Awaitility.await().until(() -> events.size() == 2);
    assertThat(events.get(1).newState()).isEqualTo(EndpointState.DISABLED);
    assertThat(events.get(1).failure()).get().extracting(SignInException::reason)
        .isEqualTo(SignInFailure.AUTHENTICATION_FAILED);
  }

  @Test
  void forbiddenFailsWithForbidden() {
    ScriptedRegistrar registrar = registrar("udp:127.0.0.1:0");
    registrar.forcedStatus = 403;
    Endpoint alice = alice("secret", registrar.uri().toString(), "udp:127.0.0.1:0");

    assertThat(failureOf(alice).reason()).isEqualTo(SignInFailure.FORBIDDEN);
    assertThat(registrar.registers).hasSize(1);
  }

  @Test
  void unreachableServerFailsWithServerUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Endpoint alice = alice("secret", "sip:127.0.0.1:" + closedPort + ";transport=tcp",
        "tcp:127.0.0.1:0");

    SignInException failure = failureOf(alice);

    assertThat(failure.reason()).isEqualTo(SignInFailure.SERVER_UNREACHABLE);
    assertThat(alice.state()).isEqualTo(EndpointState.DISABLED);
    // a new attempt is possible once the server is there
    assertThat(alice.enable()).failsWithin(Duration.ofSeconds(10));
  }

  private static SignInException failureOf(Endpoint e) {
    try {
      e.enable().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException ex) {
      assertThat(ex.getCause()).isInstanceOf(SignInException.class);
      return (SignInException) ex.getCause();
    } catch (Exception ex) {
      throw new AssertionError(ex);
    }
    throw new AssertionError("enable() succeeded");
  }
}
