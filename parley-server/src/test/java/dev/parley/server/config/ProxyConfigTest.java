package dev.parley.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.proxy.ProxyConfig;
import dev.parley.server.proxy.StaticRoute;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy's config keys: defaults, parsing, and errors naming line and key. */
class ProxyConfigTest {
  @TempDir Path dir;

  @Test
  void proxyDefaultsAreTheDocumentedOnes() {
    ServerConfig c = ServerConfig.builder().domain("example.com").build();
    assertThat(c.proxy().recordRoute()).isTrue();
    assertThat(c.proxy().timerC()).isEqualTo(Duration.ofSeconds(181));
    assertThat(c.proxy().maxContexts()).isEqualTo(25_000);
    assertThat(c.trusted().isEmpty()).isTrue();
    assertThat(c.proxy().staticRoutes()).isEmpty();
    assertThat(c.proxy().advertisedHost()).isNull();
  }

  @Test
  void proxyKeysAreRead() throws Exception {
    Path f = dir.resolve("parley.conf");
    Files.writeString(f, """
        domain = example.com
        trusted = 127.0.0.2, 10.0.0.0/8
        proxy.record_route = false
        proxy.timer_c = 3m
        proxy.max_contexts = 500
        proxy.max_dialogs = 2000
        proxy.dialog_lifetime = 2h
        proxy.advertised_host = sip.example.com
        route.pstn.example = sip:10.0.0.5:5080;transport=tcp
        route.sales@partner.example = sip:sbc.partner.example
        """);
    ServerConfig c = ServerConfig.builder().load(f).build();
    assertThat(c.proxy().recordRoute()).isFalse();
    assertThat(c.proxy().timerC()).isEqualTo(Duration.ofMinutes(3));
    assertThat(c.proxy().maxContexts()).isEqualTo(500);
    assertThat(c.proxy().maxDialogs()).isEqualTo(2000);
    assertThat(c.proxy().dialogLifetime()).isEqualTo(Duration.ofHours(2));
    assertThat(c.proxy().advertisedHost()).isEqualTo("sip.example.com");
    assertThat(c.trusted().matches(InetAddress.getByName("10.1.2.3"))).isTrue();
    assertThat(c.trusted().matches(InetAddress.getByName("127.0.0.1"))).isFalse();
    assertThat(c.proxy().staticRoutes()).hasSize(2);
    StaticRoute pstn = c.proxy().staticRoutes().get(0);
    assertThat(pstn.matches("+1555", "PSTN.example")).isTrue();
    assertThat(pstn.nextHop().transport()).isEqualTo("tcp");
    StaticRoute sales = c.proxy().staticRoutes().get(1);
    assertThat(sales.matches("sales", "partner.example")).isTrue();
    assertThat(sales.matches("bob", "partner.example")).isFalse();
  }

  @Test
  void badProxyEntriesNameTheirLineAndKey() throws Exception {
    Path f = dir.resolve("bad.conf");
    Files.writeString(f, "domain = example.com\nproxy.record_route = maybe\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f)).isInstanceOf(ConfigException.class)
        .hasMessage(f + ":2: key 'proxy.record_route': not true or false: 'maybe'");
    Files.writeString(f, "trusted = 10.0.0.1/8\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'trusted': ");
    Files.writeString(f, "route.pstn.example = not a uri\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'route.pstn.example': next hop is not a sip:");
    Files.writeString(f, "proxy.timer_c = 10ms\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'proxy.timer_c': timerC must be at least 1s");
    Files.writeString(f, "proxy.dialog_lifetime = 5s\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessageStartingWith(f + ":1: key 'proxy.dialog_lifetime': dialogLifetime must be at least 1m");
    Files.writeString(f, "route.a.example = sip:1.2.3.4\nroute.a.example = sip:1.2.3.5\n");
    assertThatThrownBy(() -> ServerConfig.builder().load(f))
        .hasMessage(f + ":2: key 'route.a.example' given twice");
  }

  @Test
  void aStaticRouteCannotTakeOverTheServedDomain() {
    assertThatThrownBy(() -> ServerConfig.builder().domain("example.com")
        .proxy(ProxyConfig.builder().staticRoute("example.com", "sip:1.2.3.4").build()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route.example.com");
  }

  @Test
  void aUsersStaticRouteBeatsItsDomainsAndHostsMatchIgnoringCase() {
    ProxyConfig p = ProxyConfig.builder()
        .staticRoute("partner.example", "sip:10.0.0.1")
        .staticRoute("sales@partner.example", "sip:10.0.0.2").build();
    assertThat(p.staticRoute("sales", "Partner.EXAMPLE").nextHop().host()).isEqualTo("10.0.0.2");
    assertThat(p.staticRoute("bob", "partner.example").nextHop().host()).isEqualTo("10.0.0.1");
    assertThat(p.staticRoute("bob", "other.example")).isNull();
  }
}
