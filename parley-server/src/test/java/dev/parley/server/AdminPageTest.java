package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.registrar.Aor;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The admin page of a real server over real HTTPS: who gets in, what a forged request gets, and
 * the actions (remove a binding, disable and enable an account).
 */
class AdminPageTest extends WebFixture {

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return https().send(b.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(URI.create(web() + path));
  }

  private String origin() {
    return web();
  }

  private static String form(String... pairs) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  private HttpResponse<String> login(String user, String password) throws Exception {
    return send(at("/admin/login").header("Origin", origin())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form("user", user, "password", password))));
  }

  /** Signs {@code user} in; returns the Cookie header value of its session. */
  private String session(String user, String password) throws Exception {
    HttpResponse<String> r = login(user, password);
    assertThat(r.statusCode()).isEqualTo(303);
    String setCookie = r.headers().firstValue("set-cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private String csrf(String cookie) throws Exception {
    HttpResponse<String> r = send(at("/admin/api/state").header("Cookie", cookie));
    assertThat(r.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(r.body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private HttpResponse<String> post(String path, String cookie, String origin, String token,
      String body) throws Exception {
    HttpRequest.Builder b = at(path).header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (token != null) {
      b.header("X-CSRF-Token", token);
    }
    return send(b);
  }

  @Test
  void unauthenticatedAdminIsRedirectedToTheFormAndTheApiAnswers401() throws Exception {
    startWeb(w -> w.admins(List.of("alice")));
    HttpResponse<String> page = send(at("/admin"));
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("location")).hasValue("/admin/login");
    assertThat(send(at("/admin/api/state")).statusCode()).isEqualTo(401);
    assertThat(send(at("/admin/api/state").header("Cookie", "parley_admin=made-up"))
        .statusCode()).isEqualTo(401);
    HttpResponse<String> form = send(at("/admin/login"));
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body()).contains("<form method=\"post\" action=\"/admin/login\">");
    assertThat(form.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void aWrongPasswordGets401AndANonAdminGets403() throws Exception {
    startWeb(w -> w.admins(List.of("alice")));
    assertThat(login("alice", "wrong").statusCode()).isEqualTo(401);
    assertThat(login("nobody", "secret").statusCode()).isEqualTo(401);
    assertThat(login("bob", "hunter2").statusCode()).isEqualTo(403);
    // a sign-in from another origin is refused before the password is looked at
    assertThat(send(at("/admin/login").header("Origin", "https://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form("user", "alice", "password", "secret"))))
        .statusCode()).isEqualTo(403);
  }

  @Test
  void beyondFiveFailedSignInsASourceGets429WithRetryAfterEvenWithTheRightPassword()
      throws Exception {
    startWeb(w -> w.admins(List.of("alice")));
    for (int i = 0; i < 5; i++) {
      assertThat(login("alice", "wrong" + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> r = login("alice", "secret");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after").map(Long::parseLong).orElseThrow())
        .isBetween(1L, 60L);
    assertThat(r.body()).contains("Too many failed sign-ins");
  }

  @Test
  void anAdminSignsInWithASecureCookieAndSeesTheRegistrations() throws Exception {
    try (Store store = Store.embedded(data)) {
      // the fixture's accounts too: it adds them to an empty store only
      store.addAccount(Account.withPassword(DOMAIN, "bob", "hunter2"));
      store.addAccount(Account.withPassword(DOMAIN, "root", "toor").withAdmin(true));
    }
    startWeb(w -> w);
    Phone bob = phone("bob", "hunter2");
    assertThat(bob.register().statusCode()).isEqualTo(200);
    HttpResponse<String> r = login("root", "toor");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("location")).hasValue("/admin");
    String setCookie = r.headers().firstValue("set-cookie").orElseThrow();
    assertThat(setCookie).startsWith("parley_admin=").contains("HTTPOnly", "Secure",
        "SameSite=Strict", "Path=/admin");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    HttpResponse<String> page = send(at("/admin").header("Cookie", cookie));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script src=\"/admin/admin.js\"");
    HttpResponse<String> state = send(at("/admin/api/state").header("Cookie", cookie));
    assertThat(state.body()).contains("\"aor\":\"sip:bob@" + DOMAIN + "\"",
        "{\"user\":\"root\",\"admin\":true,\"disabled\":false}");
    assertThat(send(at("/admin/api/status").header("Cookie", cookie)).body())
        .contains("\"domain\":\"" + DOMAIN + "\"");
    assertThat(send(at("/admin/admin.js")).headers().firstValue("content-type"))
        .hasValue("text/javascript; charset=utf-8");
  }

  @Test
  void forgedPostsWithoutOrWithAWrongCsrfTokenOrOriginAre403() throws Exception {
    startWeb(w -> w.admins(List.of("alice")));
    String cookie = session("alice", "secret");
    String token = csrf(cookie);
    String body = form("user", "bob");
    assertThat(post("/admin/api/account/disable", cookie, origin(), null, body).statusCode())
        .isEqualTo(403);
    assertThat(post("/admin/api/account/disable", cookie, origin(), "wrong", body).statusCode())
        .isEqualTo(403);
    assertThat(post("/admin/api/account/disable", cookie, "https://evil.example", token, body)
        .statusCode()).isEqualTo(403);
    assertThat(post("/admin/api/account/disable", cookie, null, token, body).statusCode())
        .isEqualTo(403);
    assertThat(post("/admin/api/account/disable", "parley_admin=made-up", origin(), token, body)
        .statusCode()).isEqualTo(401);
    // nothing was done: bob still signs in
    Phone bob = phone("bob", "hunter2");
    assertThat(bob.register().statusCode()).isEqualTo(200);
  }

  @Test
  void aDisabledAccountIsRefused403AndLosesItsBindingsUntilEnabled() throws Exception {
    startWeb(w -> w.admins(List.of("alice")));
    Phone bob = phone("bob", "hunter2");
    assertThat(bob.register().statusCode()).isEqualTo(200);
    String cookie = session("alice", "secret");
    String token = csrf(cookie);
    assertThat(post("/admin/api/account/disable", cookie, origin(), token, form("user", "bob"))
        .statusCode()).isEqualTo(200);
    assertThat(server.location().lookup(new Aor("bob", DOMAIN))).isEmpty();
    assertThat(bob.register().statusCode()).isEqualTo(403);
    assertThat(send(at("/admin/api/state").header("Cookie", cookie)).body())
        .contains("{\"user\":\"bob\",\"admin\":false,\"disabled\":true}");
    assertThat(post("/admin/api/account/enable", cookie, origin(), token, form("user", "bob"))
        .statusCode()).isEqualTo(200);
    assertThat(bob.register().statusCode()).isEqualTo(200);
    assertThat(post("/admin/api/account/disable", cookie, origin(), token,
        form("user", "nobody")).statusCode()).isEqualTo(404);
  }

  @Test
  void anAdminRemovesABinding() throws Exception {
    startWeb(w -> w.admins(List.of("alice")));
    Phone bob = phone("bob", "hunter2");
    assertThat(bob.register().statusCode()).isEqualTo(200);
    String key = server.location().lookup(new Aor("bob", DOMAIN)).get(0).key();
    String cookie = session("alice", "secret");
    String token = csrf(cookie);
    assertThat(post("/admin/api/binding/remove", cookie, origin(), token,
        form("user", "bob", "key", key)).statusCode()).isEqualTo(200);
    assertThat(server.location().lookup(new Aor("bob", DOMAIN))).isEmpty();
    assertThat(post("/admin/api/binding/remove", cookie, origin(), token,
        form("user", "bob", "key", key)).statusCode()).isEqualTo(404);
  }
}
