package dev.parley.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.server.proxy.ProxyConfig;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.registrar.UserAgentMatcher;
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
    assertThat(c.registrar().minExpires()).isEqualTo(60);
    assertThat(c.registrar().defaultExpires()).isEqualTo(3600);
    assertThat(c.registrar().maxExpires()).isEqualTo(86400);
    assertThat(c.auth().digest().algorithms()).containsExactly(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    assertThat(c.auth().digest().acceptMissingQop()).as("auth.allow_no_qop").isFalse();
    assertThat(c.auth().md5OnlyUserAgents().entries()).containsExactly("baresip", "SIPp", "sipsak");
    assertThat(c.domain()).isNotEmpty();
    assertThat(c.tlsReloadInterval()).as("tls.reload_interval").isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void tlsReloadIntervalIsReadAndANegativeOneIsRefusedByName() throws Exception {
    Path f = dir.resolve("tls.conf");
    Files.writeString(f, "tls.reload_interval = 5s\n");
    assertThat(ServerConfig.builder().load(f).build().tlsReloadInterval())
        .isEqualTo(Duration.ofSeconds(5));
    Files.writeString(f, "tls.reload_interval = 0\n");
    assertThat(ServerConfig.builder().load(f).build().tlsReloadInterval()).isZero();
    assertThatThrownBy(() -> ServerConfig.builder().tlsReloadInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tlsReloadInterval");
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
        location.write_through = true
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
    assertThat(c.registrar().defaultExpires()).isEqualTo(60);
    assertThat(c.registrar().maxExpires()).isEqualTo(7200);
    assertThat(c.registrar().flushInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.registrar().writeThrough()).isTrue();
    assertThat(ServerConfig.builder().build().registrar().writeThrough()).isFalse();
    assertThat(c.accountsRefresh()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.auth().digest().algorithms()).containsExactly(DigestAlgorithm.MD5);
    assertThat(c.auth().digest().acceptMissingQop()).isTrue();
    assertThat(c.auth().secret()).hasSize(16);
    assertThat(c.auth().md5OnlyUserAgents()).isEqualTo(UserAgentMatcher.NONE);
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

  @Test
  void expirySettingsOutOfOrderNameTheLaterOfTheirLines() throws Exception {
    Path f = dir.resolve("order.conf");
    Files.writeString(f, "registrar.min_expires = 600\nregistrar.default_expires = 60\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ":2: key 'registrar.default_expires': expiry settings must"
            + " satisfy registrar.min_expires (600) <= registrar.default_expires (60)");
    assertThatThrownBy(() -> RegistrarConfig.builder().minExpires(600).defaultExpires(60).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registrar.min_expires");
  }

  @Test
  void registrarAuthAndProxyKeysApplyOnTopOfTheGroupsSetInCode() throws Exception {
    Path f = dir.resolve("on-top.conf");
    Files.writeString(f, "registrar.max_contacts = 3\nproxy.timer_c = 3m\nauth.allow_no_qop = true\n");
    ServerConfig c = ServerConfig.builder()
        .registrar(RegistrarConfig.builder().minExpires(30).build())
        .proxy(ProxyConfig.builder().recordRoute(false).build())
        .auth(AuthConfig.builder().md5OnlyUserAgents(UserAgentMatcher.NONE).build())
        .load(f).build();
    assertThat(c.registrar().minExpires()).isEqualTo(30);
    assertThat(c.registrar().maxContactsPerAor()).isEqualTo(3);
    assertThat(c.proxy().recordRoute()).isFalse();
    assertThat(c.proxy().timerC()).isEqualTo(Duration.ofMinutes(3));
    assertThat(c.auth().md5OnlyUserAgents()).isEqualTo(UserAgentMatcher.NONE);
    assertThat(c.auth().digest().acceptMissingQop()).isTrue();
  }
}
