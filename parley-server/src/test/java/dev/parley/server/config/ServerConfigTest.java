package dev.parley.server.config;

import dev.parley.server.registrar.UserAgentMatcher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.dialog.auth.DigestAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code key = value} config file. */
class ServerConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServerConfig c = ServerConfig.builder().build();
    assertThat(c.listen()).extracting(Object::toString).containsExactly(
        "udp:0.0.0.0:5060", "tcp:0.0.0.0:5060", "tls:0.0.0.0:5061", "ws:0.0.0.0:5066");
    assertThat(c.dataDir()).isEqualTo(Path.of("data"));
    assertThat(c.minExpires()).isEqualTo(60);
    assertThat(c.defaultExpires()).isEqualTo(3600);
    assertThat(c.maxExpires()).isEqualTo(86400);
    assertThat(c.digest().algorithms()).containsExactly(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    assertThat(c.digest().acceptMissingQop()).as("auth.allow_no_qop").isFalse();
    assertThat(c.md5OnlyUserAgents().entries()).containsExactly("baresip", "SIPp", "sipsak");
    assertThat(c.domain()).isNotEmpty();
  }

  @Test
  void everyKeyIsRead() throws Exception {
    Path f = dir.resolve("parley.conf");
    Files.writeString(f, """
        # a comment
        domain = Example.COM
        domain.aliases = sip.example.com, 192.0.2.1
        data = state
        listen = udp:127.0.0.1:5070, tcp:127.0.0.1:5070
        listen = ws:127.0.0.1:5071
        threads = 2
        registrar.min_expires = 30
        registrar.default_expires = 1m
        registrar.max_expires = 2h
        registrar.max_contacts = 3
        location.max_bindings = 1000
        location.flush_interval = 500ms
        location.sweep_interval = 1s
        accounts.refresh_interval = 5
        auth.algorithms = MD5
        auth.nonce_lifetime = 60s
        auth.allow_no_qop = true
        auth.secret = 00112233445566778899aabbccddeeff
        auth.md5_only_user_agents = none
        """);
    ServerConfig c = ServerConfig.builder().load(f).build();
    assertThat(c.domain()).isEqualTo("example.com");
    assertThat(c.aliases()).containsExactlyInAnyOrder("sip.example.com", "192.0.2.1");
    assertThat(c.dataDir()).isEqualTo(dir.resolve("state"));
    assertThat(c.listen()).hasSize(3);
    assertThat(c.defaultExpires()).isEqualTo(60);
    assertThat(c.maxExpires()).isEqualTo(7200);
    assertThat(c.flushInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.accountsRefresh()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.digest().algorithms()).containsExactly(DigestAlgorithm.MD5);
    assertThat(c.digest().acceptMissingQop()).isTrue();
    assertThat(c.authSecret()).hasSize(16);
    assertThat(c.md5OnlyUserAgents()).isEqualTo(UserAgentMatcher.NONE);
  }

  @Test
  void aBadEntryNamesItsLineAndKey() throws Exception {
    Path f = dir.resolve("bad.conf");
    Files.writeString(f, "domain = example.com\n\nregistrar.min_expires = soon\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f)).isInstanceOf(ConfigException.class)
        .hasMessage(f + ":3: key 'registrar.min_expires': not a duration (e.g. 500ms, 5s, 2m, 1h): 'soon'");
    Files.writeString(f, "domian = example.com\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f)).hasMessage(f + ":1: unknown key 'domian'");
    Files.writeString(f, "listen = carrier-pigeon:1.2.3.4:5\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'listen': ").hasMessageContaining("carrier-pigeon");
    Files.writeString(f, "threads = 1\nthreads = 2\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f)).hasMessage(f + ":2: key 'threads' given twice");
    Files.writeString(f, "just words\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: expected 'key = value', got 'just words'");
  }
}
