package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.offline.StoredMessage;
import dev.parley.server.registrar.Aor;
import dev.parley.server.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's offline-message table: order, duplicates, attempts, counts, expiry, restart. */
class OfflineMessageStoreTest {
  static final Aor BOB = new Aor("bob", "example.com");
  static final Aor CAROL = new Aor("carol", "example.com");

  @TempDir Path data;

  static StoredMessage message(Aor to, String callId, String text, long at) {
    return new StoredMessage(0, to, "<sip:alice@example.com>;tag=a1", "<" + to + ">", callId, 1,
        "text/plain", text.getBytes(StandardCharsets.UTF_8), at, 0);
  }

  @Test
  void messagesComeBackInTheOrderStoredAfterAReopen() {
    List<Long> ids = new ArrayList<>();
    try (Store s = Store.embedded(data)) {
      ids.add(s.storeMessage(message(BOB, "c1", "one", 1000)).orElseThrow());
      ids.add(s.storeMessage(message(CAROL, "c2", "for carol", 1001)).orElseThrow());
      ids.add(s.storeMessage(message(BOB, "c3", "two", 1002)).orElseThrow());
      ids.add(s.storeMessage(message(BOB, "c4", "three", 999)).orElseThrow()); // clock went back
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    try (Store s = Store.embedded(data)) {
      List<StoredMessage> bob = s.pendingMessages("example.com", "bob", 10);
      assertThat(bob).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
          .containsExactly("one", "two", "three");
      StoredMessage first = bob.get(0);
      assertThat(first.id()).isEqualTo(ids.get(0));
      assertThat(first.recipient()).isEqualTo(BOB);
      assertThat(first.from()).isEqualTo("<sip:alice@example.com>;tag=a1");
      assertThat(first.to()).isEqualTo("<sip:bob@example.com>");
      assertThat(first.callId()).isEqualTo("c1");
      assertThat(first.contentType()).isEqualTo("text/plain");
      assertThat(first.receivedAt()).isEqualTo(1000);
      assertThat(first.attempts()).isZero();
      assertThat(s.pendingMessages("example.com", "bob", 2)).hasSize(2);
      assertThat(s.pendingMessages("example.com", "nobody", 2)).isEmpty();
    }
  }

  @Test
  void theSameCallIdAndCSeqForTheSameUserIsStoredOnce() {
    try (Store s = Store.embedded(data)) {
      assertThat(s.storeMessage(message(BOB, "same", "x", 1))).isPresent();
      assertThat(s.storeMessage(message(BOB, "same", "x", 2))).isEqualTo(OptionalLong.empty());
      assertThat(s.storeMessage(message(CAROL, "same", "x", 3))).isPresent();
      assertThat(s.messageCount("example.com", "bob")).isEqualTo(new Store.MessageCount(1, 1));
    }
  }

  @Test
  void deleteAttemptsCountsAndExpiry() {
    try (Store s = Store.embedded(data)) {
      long a = s.storeMessage(message(BOB, "c1", "12345", 1000)).orElseThrow();
      s.storeMessage(message(BOB, "c2", "123", 2000));
      s.storeMessage(message(CAROL, "c3", "1", 3000));
      assertThat(s.messageCounts()).isEqualTo(Map.of(
          BOB, new Store.MessageCount(2, 8), CAROL, new Store.MessageCount(1, 1)));

      assertThat(s.messageAttemptFailed(a)).isTrue();
      assertThat(s.messageAttemptFailed(a)).isTrue();
      assertThat(s.pendingMessages("example.com", "bob", 1).get(0).attempts()).isEqualTo(2);

      assertThat(s.deleteMessage(a)).isTrue();
      assertThat(s.deleteMessage(a)).isFalse();
      assertThat(s.messageAttemptFailed(a)).isFalse();
      assertThat(s.messageCount("example.com", "bob")).isEqualTo(new Store.MessageCount(1, 3));

      assertThat(s.deleteMessagesReceivedBefore(3000)).isEqualTo(1);
      assertThat(s.messageCounts()).isEqualTo(Map.of(CAROL, new Store.MessageCount(1, 1)));
      assertThat(s.messageCount("example.com", "bob")).isEqualTo(Store.MessageCount.NONE);
    }
  }

  @Test
  void binaryBodiesAndMissingContentTypeRoundTrip() {
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    try (Store s = Store.embedded(data)) {
      s.storeMessage(new StoredMessage(0, BOB, "<sip:a@b>", "<sip:bob@example.com>", "c", 7,
          null, body, 5, 0));
      StoredMessage m = s.pendingMessages("example.com", "bob", 1).get(0);
      assertThat(m.body()).isEqualTo(body);
      assertThat(m.contentType()).isNull();
      assertThat(m.cseq()).isEqualTo(7);
      assertThatThrownBy(() -> s.pendingMessages("example.com", "bob", 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    }
  }

  @Test
  void theSchemaIsAtVersion4() throws Exception {
    try (Store s = Store.embedded(data)) {
      s.setSetting("x", "y");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("parley.db"));
         ResultSet rs = c.createStatement().executeQuery("SELECT version, success FROM"
             + " flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
      List<String> versions = new ArrayList<>();
      while (rs.next()) {
        assertThat(rs.getBoolean(2)).isTrue();
        versions.add(rs.getString(1));
      }
      assertThat(versions).containsExactly("1", "2", "3", "4");
    }
  }
}
