package dev.parley.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The sign-in limit of {@code /admin/login}, in virtual time: failures per source and per
 * account, 429 with Retry-After without a password check, and locks that end with their window.
 */
class LoginLimitTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AtomicInteger checks = new AtomicInteger();

  /** Only root with "right" signs in. */
  private final AdminPages admin = new AdminPages(AdminRequests.backend((user, password) -> {
    checks.incrementAndGet();
    return user.equals("root") && password.equals("right");
  }), WebConfig.builder().adminAllowRemote(true).build(), now::get);

  /** POSTs a sign-in from {@code source}; returns the response (the caller releases it). */
  private FullHttpResponse login(String source, String user, String password) {
    return AdminRequests.send(admin, new InetSocketAddress(source, 40000),
        AdminRequests.login(user, password));
  }

  private int status(String source, String user, String password) {
    return AdminRequests.status(admin, new InetSocketAddress(source, 40000),
        AdminRequests.login(user, password));
  }

  @Test
  void aSourceBeyondFiveFailuresAMinuteGets429WithRetryAfterAndNoPasswordCheck() {
    for (int i = 0; i < LoginLimiter.PER_SOURCE; i++) {
      assertThat(status("127.0.0.1", "root", "wrong" + i)).isEqualTo(401);
    }
    int checked = checks.get();
    now.addAndGet(20_000);
    FullHttpResponse r = login("127.0.0.1", "root", "right");
    assertThat(r.status().code()).isEqualTo(429);
    assertThat(r.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("40");
    assertThat(r.content().toString(StandardCharsets.UTF_8))
        .contains("Too many failed sign-ins; try again in 40 s.");
    r.release();
    assertThat(checks.get()).as("the password is not checked while locked").isEqualTo(checked);
    // another source is not concerned
    assertThat(status("127.0.0.2", "root", "right")).isEqualTo(303);
    // the lock ends with its window
    now.addAndGet(40_000);
    assertThat(status("127.0.0.1", "root", "right")).isEqualTo(303);
  }

  @Test
  void anAccountBeyondTenFailuresAMinuteIsLockedForRemoteSourcesButNotForLoopback() {
    for (int i = 0; i < LoginLimiter.PER_ACCOUNT; i++) {
      // ten sources, two failures each at most: no source budget is spent
      assertThat(status("192.0.2." + (10 + i), "root", "wrong")).isEqualTo(401);
    }
    assertThat(status("198.51.100.1", "root", "right")).isEqualTo(429);
    assertThat(status("198.51.100.1", "alice", "x")).as("other accounts are not concerned")
        .isEqualTo(401);
    assertThat(status("127.0.0.1", "root", "right")).as("a local admin still signs in")
        .isEqualTo(303);
    now.addAndGet(LoginLimiter.WINDOW_MILLIS);
    assertThat(status("198.51.100.1", "root", "right")).isEqualTo(303);
  }

  @Test
  void ipv6SourcesAreCountedByTheirSlash64() throws Exception {
    for (int i = 1; i <= LoginLimiter.PER_SOURCE; i++) {
      assertThat(status("2001:db8:0:1::" + i, "u" + i, "wrong")).isEqualTo(401);
    }
    assertThat(status("2001:db8:0:1::ff", "root", "right")).isEqualTo(429);
    assertThat(status("2001:db8:0:2::1", "root", "right")).isEqualTo(303);
    assertThat(LoginLimiter.sourceKey(InetAddress.getByName("2001:db8:0:1::ff")))
        .isEqualTo("v6:20010db800000001/64");
  }

  @Test
  void theCountersHoldAtMostTheirBoundWhateverManySourcesAndNamesFail() throws Exception {
    LoginLimiter limiter = new LoginLimiter(now::get);
    for (int i = 0; i < 3 * LoginLimiter.MAX_ENTRIES; i++) {
      limiter.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8),
          (byte) i}), "user" + i);
    }
    assertThat(limiter.size()).isEqualTo(2 * LoginLimiter.MAX_ENTRIES);
  }

  private static InetAddress remote(int i) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
  }

  @Test
  void aLockedSourceOrAccountIsNotForgottenHoweverManyOtherSourcesAndNamesFail() throws Exception {
    LoginLimiter limiter = new LoginLimiter(now::get);
    InetAddress locked = InetAddress.getByName("198.51.100.1");
    for (int i = 0; i < LoginLimiter.PER_SOURCE; i++) {
      limiter.failed(locked, "guess" + i);
    }
    for (int i = 0; i < LoginLimiter.PER_ACCOUNT; i++) {
      limiter.failed(remote(1_000_000 + i), "root");
    }
    for (int i = 0; i < 2 * LoginLimiter.MAX_ENTRIES; i++) {
      limiter.failed(InetAddress.getByName("2001:db8:" + Integer.toHexString(i) + "::1"),
          "user" + i);
    }
    assertThat(limiter.retryAfterSeconds(locked, "someone")).isPositive();
    assertThat(limiter.retryAfterSeconds(remote(2_000_000), "root")).isPositive();
    assertThat(limiter.size()).isLessThanOrEqualTo(2 * LoginLimiter.MAX_ENTRIES);
    now.addAndGet(LoginLimiter.WINDOW_MILLIS);
    assertThat(limiter.retryAfterSeconds(locked, "root")).isZero();
  }

  @Test
  void newRemoteSourcesShareOneBudgetWhileTheCountersAreFullOfLocksButLoopbackKeepsItsOwn()
      throws Exception {
    LoginLimiter limiter = new LoginLimiter(now::get);
    for (int i = 0; i < LoginLimiter.MAX_ENTRIES; i++) {
      for (int k = 0; k < LoginLimiter.PER_SOURCE; k++) {
        limiter.failed(remote(i), null);
      }
    }
    for (int i = 0; i < LoginLimiter.PER_SOURCE; i++) {
      InetAddress fresh = InetAddress.getByName("2001:db8:ffff:" + i + "::1");
      assertThat(limiter.retryAfterSeconds(fresh, "root")).isZero();
      limiter.failed(fresh, null);
    }
    assertThat(limiter.retryAfterSeconds(InetAddress.getByName("203.0.113.9"), "root"))
        .isPositive();
    assertThat(limiter.retryAfterSeconds(InetAddress.getByName("127.0.0.1"), "root")).isZero();
    assertThat(limiter.size()).isLessThanOrEqualTo(2 * LoginLimiter.MAX_ENTRIES);
    now.addAndGet(LoginLimiter.WINDOW_MILLIS);
    assertThat(limiter.retryAfterSeconds(InetAddress.getByName("203.0.113.9"), "root")).isZero();
  }
}
