package dev.parley.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.offline.OfflineMessagesConfig;
import dev.parley.server.proxy.RateLimitConfig;
import dev.parley.server.status.StatusConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline.*, limits.* and status.* keys: defaults, parsing, errors naming line and key. */
class WiringConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServerConfig c = ServerConfig.builder().domain("example.com").build();
    assertThat(c.offlineEnabled()).isTrue();
    OfflineMessagesConfig o = c.offline();
    assertThat(o.maxMessageBytes()).isEqualTo(65536);
    assertThat(o.maxMessagesPerUser()).isEqualTo(100);
    assertThat(o.maxBytesPerUser()).isEqualTo(1048576);
    assertThat(o.maxMessages()).isEqualTo(100000);
    assertThat(o.maxBytes()).isEqualTo(268435456L);
    assertThat(o.maxAge()).isEqualTo(Duration.ofHours(168));
    assertThat(o.maxRefusals()).isEqualTo(3);
    assertThat(o.retryInitial()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.retryMax()).isEqualTo(Duration.ofMinutes(30));
    RateLimitConfig l = c.rateLimits();
    assertThat(l.requestsPerSecond()).isEqualTo(50);
    assertThat(l.requestBurst()).isEqualTo(100);
    assertThat(l.authFailuresPerMinute()).isEqualTo(10);
    assertThat(l.authFailureBurst()).isEqualTo(20);
    assertThat(l.authBlock()).isEqualTo(Duration.ofMinutes(5));
    assertThat(l.maxSources()).isEqualTo(65536);
    assertThat(l.isOff()).isFalse();
    StatusConfig s = c.status();
    assertThat(s.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 8060));
    assertThat(s.isAddressDefault()).isTrue();
    assertThat(s.allowRemote()).isFalse();
    assertThat(s.maxListed()).isEqualTo(1000);
  }

  @Test
  void everyKeyIsRead() throws Exception {
    Path f = dir.resolve("parley.conf");
    Files.writeString(f, """
        offline.enabled = false
        offline.max_message_bytes = 1000
        offline.max_per_user = 5
        offline.max_bytes_per_user = 5000
        offline.max_messages = 50
        offline.max_bytes = 100000
        offline.max_age = 24h
        offline.max_refusals = 2
        offline.retry_initial = 10s
        offline.retry_max = 5m
        limits.requests_per_second = 0.5
        limits.request_burst = 7
        limits.auth_failures_per_minute = 0
        limits.auth_failure_burst = 3
        limits.auth_block = 90s
        limits.max_sources = 128
        status.listen = [::1]:0
        status.allow_remote = true
        status.max_listed = 10
        """);
    ServerConfig c = ServerConfig.builder().domain("example.com").load(f).build();
    assertThat(c.offlineEnabled()).isFalse();
    OfflineMessagesConfig o = c.offline();
    assertThat(o.maxMessageBytes()).isEqualTo(1000);
    assertThat(o.maxMessagesPerUser()).isEqualTo(5);
    assertThat(o.maxBytesPerUser()).isEqualTo(5000);
    assertThat(o.maxMessages()).isEqualTo(50);
    assertThat(o.maxBytes()).isEqualTo(100000);
    assertThat(o.maxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(o.maxRefusals()).isEqualTo(2);
    assertThat(o.retryInitial()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.retryMax()).isEqualTo(Duration.ofMinutes(5));
    RateLimitConfig l = c.rateLimits();
    assertThat(l.requestsPerSecond()).isEqualTo(0.5);
    assertThat(l.requestBurst()).isEqualTo(7);
    assertThat(l.authFailuresPerMinute()).isZero();
    assertThat(l.authFailureBurst()).isEqualTo(3);
    assertThat(l.authBlock()).isEqualTo(Duration.ofSeconds(90));
    assertThat(l.maxSources()).isEqualTo(128);
    StatusConfig s = c.status();
    assertThat(s.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(s.address().getPort()).isZero();
    assertThat(s.isAddressDefault()).isFalse();
    assertThat(s.allowRemote()).isTrue();
    assertThat(s.maxListed()).isEqualTo(10);
  }

  @Test
  void statusOffAndBothLimitsOff() throws Exception {
    Path f = dir.resolve("parley.conf");
    Files.writeString(f, "status.listen = off\nlimits.requests_per_second = 0\n"
        + "limits.auth_failures_per_minute = 0\n");
    ServerConfig c = ServerConfig.builder().load(f).build();
    assertThat(c.status().isEnabled()).isFalse();
    assertThat(c.rateLimits().isOff()).isTrue();
  }

  @Test
  void badEntriesNameTheirLineAndKey() throws Exception {
    Path f = dir.resolve("bad.conf");
    Files.writeString(f, "domain = example.com\noffline.max_age = soon\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f)).isInstanceOf(ConfigException.class)
        .hasMessage(f + ":2: key 'offline.max_age': not a duration (e.g. 500ms, 5s, 2m, 1h):"
            + " 'soon'");
    Files.writeString(f, "limits.requests_per_second = fast\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'limits.requests_per_second': not a number (e.g. 50 or 0.5):"
            + " 'fast'");
    Files.writeString(f, "limits.request_burst = 0\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'limits.request_burst': request burst out of range");
    Files.writeString(f, "offline.max_per_user = 0\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'offline.max_per_user': ");
    Files.writeString(f, "status.listen = localhost:8060\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'status.listen': not an IP address: 'localhost' (host names are"
            + " not resolved)");
    Files.writeString(f, "status.listen = 8060\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'status.listen': not HOST:PORT");
    Files.writeString(f, "offline.enabled = yes\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'offline.enabled': not true or false: 'yes'");
  }

  @Test
  void inconsistentGroupsNameTheEntryThatMadeThemSo() throws Exception {
    Path f = dir.resolve("bad.conf");
    Files.writeString(f, "offline.retry_max = 10s\n# comment\noffline.retry_initial = 1m\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":3: key 'offline.retry_initial': retryMax (PT10S) is shorter");
    Files.writeString(f, "status.listen = 0.0.0.0:8060\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":1: key 'status.listen': 0.0.0.0:8060 is not a loopback address and the"
            + " status endpoint has no authentication (status.allow_remote = true allows it)");
    Files.writeString(f, "status.listen = 0.0.0.0:8060\nstatus.allow_remote = true\n");
    assertThat(ServerConfig.builder().load(f).build().status().address().getPort())
        .isEqualTo(8060);
  }

  @Test
  void statusListenMovesTheEndpointKeepingItsOtherSettings() {
    ServerConfig c = ServerConfig.builder()
        .status(StatusConfig.builder().maxListed(5).build())
        .statusListen("127.0.0.1:0").build();
    assertThat(c.status().address().getPort()).isZero();
    assertThat(c.status().maxListed()).isEqualTo(5);
    assertThat(ServerConfig.builder().statusListen("off").build().status().isEnabled()).isFalse();
    assertThatThrownBy(() -> ServerConfig.builder().statusListen("192.0.2.1:80"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a loopback");
  }
}
