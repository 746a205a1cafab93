package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.config.ServerConfig;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipResponse;
import dev.parley.testkit.FakeScheduler;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash can lose of the bindings: with {@code location.write_through} nothing answered
 * 200; without it, what changed since the last write-behind flush. The server's timers are on
 * virtual time and never moved, so no timed flush runs; the store is read from a second
 * connection, as the restarted server would read it.
 */
class BindingWriteThroughTest {
  static final String DOMAIN = "example.com";

  @TempDir Path data;
  MutableClock clock = new MutableClock(1_700_000_000_000L);
  SipServer server;
  UdpSipClient client;

  @BeforeEach
  void accounts() {
    try (Store store = Store.embedded(data)) {
      store.addAccount(Account.withPassword(DOMAIN, "alice", "secret"));
      store.addAccount(Account.withPassword(DOMAIN, "bob", "hunter2"));
    }
  }

  void start(boolean writeThrough) throws Exception {
    server = SipServer.start(ServerConfig.builder().domain(DOMAIN).dataDir(data)
        .listen("udp:127.0.0.1:0").threads(1)
        .registrar(RegistrarConfig.builder().writeThrough(writeThrough).build()).build(),
        clock, () -> clock.millis() * 1_000_000L, new FakeScheduler());
    client = new UdpSipClient(server.listenPoints().get(0).address());
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  SipResponse register(String user, String password, String callId, long cseq, String extra)
      throws Exception {
    return client.sendAuthorized(client.register(user, DOMAIN, callId, cseq, extra), user, password);
  }

  List<String> storedContacts(String user) {
    try (Store store = Store.embedded(data)) {
      return store.loadBindings().stream().filter(b -> b.aor().equals(new Aor(user, DOMAIN)))
          .map(Binding::contact).map(c -> c.uri().toString()).toList();
    }
  }

  @Test
  void withWriteThroughEveryBindingAnswered200IsAlreadyInTheStore() throws Exception {
    start(true);
    for (int i = 1; i <= 3; i++) {
      SipResponse ok = register("alice", "secret", "w1", i,
          "Contact: <sip:alice@127.0.0.1:" + (5000 + i) + ">;expires=600\r\n");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(storedContacts("alice")).as("after the 200 of REGISTER %d", i)
          .contains("sip:alice@127.0.0.1:" + (5000 + i));
    }
    assertThat(server.location().dirtyCount()).isZero();

    SipResponse gone = register("alice", "secret", "w1", 4,
        "Contact: <sip:alice@127.0.0.1:5001>;expires=0\r\n");
    assertThat(gone.statusCode()).isEqualTo(200);
    assertThat(storedContacts("alice")).as("a removal is written through too")
        .containsExactlyInAnyOrder("sip:alice@127.0.0.1:5002", "sip:alice@127.0.0.1:5003");

    SipResponse all = register("alice", "secret", "w1", 5, "Contact: *\r\nExpires: 0\r\n");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(storedContacts("alice")).isEmpty();
  }

  @Test
  void withWriteThroughAQueryWritesNothingAndStillGets200() throws Exception {
    start(true);
    register("bob", "hunter2", "q1", 1, "Contact: <sip:bob@127.0.0.1:6000>\r\n");
    SipResponse query = register("bob", "hunter2", "q1", 2, "");
    assertThat(query.statusCode()).isEqualTo(200);
    assertThat(query.contacts()).extracting(c -> c.uri().toString())
        .containsExactly("sip:bob@127.0.0.1:6000");
  }

  @Test
  void withWriteThroughAFailedWriteAnswers500WithRetryAfterAndTheNextWriteCatchesUp()
      throws Exception {
    start(true);
    // a second connection makes every insert into bindings fail, as a broken disk would
    try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("parley.db"));
        Statement st = sql.createStatement()) {
      st.execute("CREATE TRIGGER broken BEFORE INSERT ON bindings"
          + " BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END");
      SipResponse refused = register("alice", "secret", "f1", 1,
          "Contact: <sip:alice@127.0.0.1:5001>;expires=600\r\n");
      assertThat(refused.statusCode()).isEqualTo(500);
      assertThat(refused.headers().get(HeaderName.RETRY_AFTER)).isEqualTo("5");
      assertThat(storedContacts("alice")).isEmpty();
      assertThat(server.location().dirtyCount()).as("kept for the next write").isEqualTo(1);
      st.execute("DROP TRIGGER broken");
    }
    SipResponse ok = register("bob", "hunter2", "f2", 1,
        "Contact: <sip:bob@127.0.0.1:6001>;expires=600\r\n");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(storedContacts("alice")).as("written with bob's").containsExactly(
        "sip:alice@127.0.0.1:5001");
    assertThat(storedContacts("bob")).containsExactly("sip:bob@127.0.0.1:6001");
  }

  @Test
  void writtenBehindABindingAnswered200ReachesTheStoreOnlyAtTheNextFlush() throws Exception {
    start(false);
    SipResponse ok = register("alice", "secret", "b1", 1,
        "Contact: <sip:alice@127.0.0.1:5001>;expires=600\r\n");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(storedContacts("alice")).as("inside the write-behind window").isEmpty();
    assertThat(server.flush()).isEqualTo(1);
    assertThat(storedContacts("alice")).containsExactly("sip:alice@127.0.0.1:5001");
  }
}
