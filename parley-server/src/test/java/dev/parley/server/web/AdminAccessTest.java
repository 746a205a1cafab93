package dev.parley.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Who reaches {@code /admin}: loopback sources only, unless remote access is configured. */
class AdminAccessTest {
  private static int status(InetSocketAddress source, WebConfig config, String path) {
    // a backend that lets everyone in: only the source address decides here
    return AdminRequests.status(new AdminPages(AdminRequests.backend((user, password) -> true),
        config), source, AdminRequests.get(path));
  }

  @Test
  void aRemoteSourceIsRefused403UnlessRemoteAdminIsAllowed() {
    InetSocketAddress remote = new InetSocketAddress("192.0.2.7", 40000);
    InetSocketAddress local = new InetSocketAddress("127.0.0.1", 40000);
    WebConfig closed = WebConfig.builder().build();
    assertThat(status(remote, closed, "/admin")).isEqualTo(403);
    assertThat(status(remote, closed, "/admin/login")).isEqualTo(403);
    assertThat(status(remote, closed, "/admin/api/state")).isEqualTo(403);
    assertThat(status(local, closed, "/admin")).isEqualTo(303);
    WebConfig open = WebConfig.builder().adminAllowRemote(true).build();
    assertThat(status(remote, open, "/admin/login")).isEqualTo(200);
  }
}
