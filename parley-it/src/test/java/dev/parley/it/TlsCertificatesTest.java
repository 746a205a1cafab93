package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.server.SipServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.SipUri;
import dev.parley.testkit.TestCertificateAuthority;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.ServerTlsContext;
import dev.parley.transport.TlsConfig;
import dev.parley.transport.TraceEvent;
import dev.parley.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's "TLS with a real chain": a test CA ({@link TestCertificateAuthority}, the JDK's
 * {@code keytool}) issues the server's certificate for 127.0.0.1 and localhost; {@code parley
 * server} serves the chain (leaf + CA) from PEM files; clients that trust the CA alone (not the
 * development certificate) verify it: a Parley {@link Endpoint} over TLS, and {@code openssl
 * s_client -verify_return_error}. A client that trusts another CA, or reaches the server by a name
 * the certificate does not carry, refuses the handshake and says why.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsCertificatesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String DOMAIN = "parley.test";
  /** Short, so that a test sees a reload within its wait (the default is 60 s). */
  private static final Duration RELOAD = Duration.ofMillis(200);

  @TempDir static Path pki;
  private static TestCertificateAuthority ca;
  private static TestCertificateAuthority otherCa;
  private static TestCertificateAuthority.Issued serverCertificate;
  private static TestCertificateAuthority.Issued renewedCertificate;
  private static TestCertificateAuthority.Issued clientCertificate;

  @TempDir Path data;
  private SipServer server;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Map<Endpoint, List<InetSocketAddress>> sentFrom = new ConcurrentHashMap<>();

  @BeforeAll
  static void certificates() {
    ca = TestCertificateAuthority.create(pki, "parley");
    otherCa = TestCertificateAuthority.create(pki, "other");
    serverCertificate = ca.issue("server", "ip:127.0.0.1", "dns:localhost");
    renewedCertificate = ca.issue("renewed", "ip:127.0.0.1", "dns:localhost");
    clientCertificate = ca.issue("client", "dns:client.parley.test");
  }

  @AfterEach
  void stop() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        AutoCloseable c = open.get(i);
        if (c instanceof Endpoint e && e.state() == EndpointState.ENABLED) {
          e.disable().get(5, TimeUnit.SECONDS);
        }
        c.close();
      } catch (Exception e) {
        System.out.println("closing after the test: " + e); // the next one is closed anyway
      }
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void endpointsTrustingOnlyTheCaSignInOverTlsAndExchangeMessages() throws Exception {
    startServer();
    Endpoint alice = endpoint("alice", tlsPort("127.0.0.1"), ca.certificatePem());
    Endpoint bob = endpoint("bob", tlsPort("127.0.0.1"), ca.certificatePem());
    alice.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    bob.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    List<String> atBob = receivedTexts(bob);

    InstantMessagingSession pager = (InstantMessagingSession) alice.sessionManager()
        .createSession(SessionType.INSTANT_MESSAGING,
            SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
    pager.addParticipant(SipUri.parse("sip:bob@" + DOMAIN)).get(WAIT.toSeconds(),
        TimeUnit.SECONDS);
    List<DeliveryResult> results = pager.send("over a verified chain")
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(results).singleElement().satisfies(r -> assertThat(r.isDelivered()).isTrue());
    await().atMost(WAIT).until(() -> !atBob.isEmpty());
    assertThat(atBob).containsExactly("over a verified chain");
  }

  @Test
  void endpointTrustingAnotherCaRefusesTheServerCertificate() throws Exception {
    startServer();
    Endpoint mallory = endpoint("alice", tlsPort("127.0.0.1"), otherCa.certificatePem());

    assertThatThrownBy(() -> mallory.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .satisfies(e -> assertThat(causes(e)).as("the causes")
            .containsIgnoringCase("unable to find valid certification path"));
    assertThat(mallory.state()).isNotEqualTo(EndpointState.ENABLED);
  }

  @Test
  void endpointReachingTheServerByANameNotInItsCertificateRefusesIt() throws Exception {
    startServer();
    // the certificate names 127.0.0.1 and localhost; the same server is reached at 127.0.0.2
    Endpoint alice = endpoint("alice", tlsPort("127.0.0.2"), ca.certificatePem(), "127.0.0.2");

    assertThatThrownBy(() -> alice.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .satisfies(e -> assertThat(causes(e)).as("the causes")
            .containsIgnoringCase("no subject alternative names matching IP address 127.0.0.2"));
  }

  @Test
  void opensslVerifiesTheChainAgainstTheCaAndRefusesItAgainstAnotherCa() throws Exception {
    PeerProcess.requireInstalled("openssl", "openssl");
    startServer();
    int port = tlsPort("127.0.0.1");

    OpensslResult good = sClient(port, ca.certificatePem());
    OpensslResult bad = sClient(port, otherCa.certificatePem());

    assertThat(good.exit()).as(good.output()).isZero();
    assertThat(good.output()).contains("Verify return code: 0 (ok)")
        .contains("Parley test CA parley");
    assertThat(bad.exit()).as(bad.output()).isNotZero();
    assertThat(bad.output()).contains("certificate verify failed");
  }

  @Test
  void newConnectionsGetARenewedCertificateWhileEstablishedOnesStayUpAndCarryMessages()
      throws Exception {
    Path chain = data.resolve("certs/chain.pem");
    Path key = data.resolve("certs/key.pem");
    install(serverCertificate.chainPem(), chain);
    install(serverCertificate.keyPem(), key);
    startServer(chain, key, RELOAD);
    int port = tlsPort("127.0.0.1");
    Endpoint alice = endpoint("alice", port, ca.certificatePem());
    Endpoint bob = endpoint("bob", port, ca.certificatePem());
    List<String> atBob = receivedTexts(bob);
    alice.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    bob.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    X509Certificate before = servedCertificate(port);
    assertThat(before).isEqualTo(certificate(serverCertificate.chainPem()));

    // the operator's renewal: chain then key, each replaced by a rename
    install(renewedCertificate.chainPem(), chain);
    install(renewedCertificate.keyPem(), key);
    X509Certificate renewed = certificate(renewedCertificate.chainPem());
    await().atMost(WAIT).until(() -> servedCertificate(port).equals(renewed));

    InstantMessagingSession pager = (InstantMessagingSession) alice.sessionManager()
        .createSession(SessionType.INSTANT_MESSAGING,
            SessionContext.builder().set(SessionContext.PAGER_MODE, true).build());
    pager.addParticipant(SipUri.parse("sip:bob@" + DOMAIN)).get(WAIT.toSeconds(),
        TimeUnit.SECONDS);
    List<DeliveryResult> results = pager.send("after the renewal")
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(results).singleElement().satisfies(r -> assertThat(r.isDelivered()).isTrue());
    await().atMost(WAIT).until(() -> !atBob.isEmpty());
    assertThat(atBob).containsExactly("after the renewal");
    // alice's and bob's connections are those they registered on: no reconnection
    // (TLS 1.3 has no renegotiation: such a connection still runs on the first certificate)
    assertThat(connectionsOf(alice)).as("alice's connections").hasSize(1);
    assertThat(connectionsOf(bob)).as("bob's connections").hasSize(1);
    assertThat(server.serverTls().reloads()).isEqualTo(1);
    assertThat(server.serverTls().certificate()).isEqualTo(renewed);
  }

  @Test
  void badNewKeyFilesAreRefusedOnceAndTheOldCertificateStaysServed() throws Exception {
    Path chain = data.resolve("certs/chain.pem");
    Path key = data.resolve("certs/key.pem");
    install(serverCertificate.chainPem(), chain);
    install(serverCertificate.keyPem(), key);
    startServer(chain, key, RELOAD);
    int port = tlsPort("127.0.0.1");
    X509Certificate first = certificate(serverCertificate.chainPem());
    ServerTlsContext tls = server.serverTls();

    Files.writeString(chain, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    await().atMost(WAIT).until(() -> tls.refusedReloads() == 1);
    assertThat(servedCertificate(port)).isEqualTo(first);
    assertThat(tls.reload()).as("checked again, the same bad files").isFalse();
    assertThat(tls.refusedReloads()).as("refused (and logged) once").isEqualTo(1);

    // a renewed chain whose key has not been replaced yet: the pair does not match
    install(renewedCertificate.chainPem(), chain);
    await().atMost(WAIT).until(() -> tls.refusedReloads() == 2);
    assertThat(servedCertificate(port)).isEqualTo(first);

    install(renewedCertificate.keyPem(), key);
    X509Certificate renewed = certificate(renewedCertificate.chainPem());
    await().atMost(WAIT).until(() -> servedCertificate(port).equals(renewed));
    assertThat(tls.reloads()).isEqualTo(1);
  }

  // --- the server and clients

  private void startServer() {
    startServer(serverCertificate.chainPem(), serverCertificate.keyPem(),
        ServerConfig.DEFAULT_TLS_RELOAD_INTERVAL);
  }

  private void startServer(Path chain, Path key, Duration reloadInterval) {
    try (Store store = Store.embedded(data)) {
      store.addAccount(Account.withPassword(DOMAIN, "alice", "alice-pw"));
      store.addAccount(Account.withPassword(DOMAIN, "bob", "bob-pw"));
    }
    server = SipServer.start(ServerConfig.builder().domain(DOMAIN).dataDir(data)
        .listen("tls:127.0.0.1:0").listen("tls:127.0.0.2:0").threads(2)
        .statusListen("127.0.0.1:0")
        .tls(chain, key, null).tlsReloadInterval(reloadInterval)
        .build());
  }

  private int tlsPort(String host) {
    return server.listenPoints().stream()
        .filter(lp -> lp.transport() == Transport.TLS
            && lp.address().getAddress().getHostAddress().equals(host))
        .mapToInt(lp -> lp.address().getPort()).findFirst().orElseThrow();
  }

  private Endpoint endpoint(String user, int port, Path trusted) {
    return endpoint(user, port, trusted, "127.0.0.1");
  }

  /** An endpoint that trusts {@code trusted} (and the JDK's anchors), the server as proxy. */
  private Endpoint endpoint(String user, int port, Path trusted, String serverHost) {
    // the client's own TLS listen point needs a key: one issued by the CA (nobody asks for it)
    NettyTransportLayer transport = NettyTransportLayer.builder()
        .listen(ListenPoint.parse("tls:127.0.0.1:0"))
        .tls(TlsConfig.builder().pem(clientCertificate.chainPem(), clientCertificate.keyPem(), null)
            .trustPem(trusted).build())
        .build();
    Endpoint e = Endpoint.builder("sip:" + user + "@" + DOMAIN)
        .credentials(user, user + "-pw")
        .server("sip:" + serverHost + ":" + port + ";transport=tls")
        .transport(transport)
        .registrationExpiry(Duration.ofSeconds(600))
        .build();
    List<InetSocketAddress> locals = new CopyOnWriteArrayList<>();
    transport.addTraceListener(event -> {
      if (event.direction() == TraceEvent.Direction.SENT) {
        locals.add(event.local());
      }
    });
    sentFrom.put(e, locals);
    open.add(e);
    return e;
  }

  private static List<String> receivedTexts(Endpoint e) {
    List<String> texts = new CopyOnWriteArrayList<>();
    e.sessionManager().setListener((source, invitation) -> {
      InstantMessagingSession s = (InstantMessagingSession) invitation.session();
      s.addListener(new InstantMessagingSession.Listener() {
        @Override
        public void onMessageReceived(InstantMessagingSession session, InstantMessage m) {
          texts.add(m.text());
        }
      });
      invitation.accept();
    });
    return texts;
  }

  /** Puts a copy of {@code source} at {@code target} by a rename, as an operator would. */
  private static void install(Path source, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), "new", ".tmp");
    Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** The certificate a new TLS connection to 127.0.0.1:port gets, verified against the CA. */
  private static X509Certificate servedCertificate(int port) throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", certificate(ca.certificatePem()));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** The local addresses {@code e} sent from (one per connection it used). */
  private Set<InetSocketAddress> connectionsOf(Endpoint e) {
    return Set.copyOf(sentFrom.get(e));
  }

  private static String causes(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c).append('\n');
    }
    return b.toString();
  }

  record OpensslResult(int exit, String output) {}

  /** {@code openssl s_client} to 127.0.0.1:port, verifying against {@code caFile} only. */
  static OpensslResult sClient(int port, Path caFile) throws Exception {
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        "-CAfile", caFile.toString(), "-verify_return_error", "-verify_ip", "127.0.0.1",
        "-showcerts")
        .redirectErrorStream(true).start();
    p.getOutputStream().close(); // end of input: s_client closes after the handshake
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("openssl s_client ended").isTrue();
    return new OpensslResult(p.exitValue(), output);
  }
}
