package dev.parley.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets per source on a hand-moved nanosecond clock. */
class RateLimiterTest {
  final AtomicLong nanos = new AtomicLong(123_456_789L);

  static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  RateLimiter.Builder limiter() {
    return RateLimiter.builder().nanoClock(nanos::get);
  }

  @Test
  void aSourceGetsItsBurstThenTheSustainedRate() throws Exception {
    RateLimiter r = limiter().requestsPerSecond(10).requestBurst(5).build();
    InetAddress a = ip("192.0.2.1");
    for (int i = 0; i < 5; i++) {
      assertThat(r.tryAcquire(a)).as("request %d", i).isTrue();
    }
    assertThat(r.tryAcquire(a)).isFalse();
    assertThat(r.tryAcquire(a)).isFalse(); // refused requests take nothing
    assertThat(r.retryAfterSeconds(a)).isEqualTo(1);
    advance(Duration.ofMillis(100));
    assertThat(r.tryAcquire(a)).isTrue();
    assertThat(r.tryAcquire(a)).isFalse();
    advance(Duration.ofSeconds(60)); // refills to the burst, not beyond
    int granted = 0;
    while (r.tryAcquire(a)) {
      granted++;
    }
    assertThat(granted).isEqualTo(5);
    assertThat(r.stats().requestsRefused()).isEqualTo(4);
  }

  @Test
  void sourcesAreLimitedSeparatelyAndIpv6ByPrefix() throws Exception {
    RateLimiter r = limiter().requestsPerSecond(1).requestBurst(1).build();
    assertThat(r.tryAcquire(ip("192.0.2.1"))).isTrue();
    assertThat(r.tryAcquire(ip("192.0.2.1"))).isFalse();
    assertThat(r.tryAcquire(ip("192.0.2.2"))).isTrue();
    assertThat(r.tryAcquire(ip("2001:db8:1:2::1"))).isTrue();
    assertThat(r.tryAcquire(ip("2001:db8:1:2:ffff::9"))).isFalse(); // same /64
    assertThat(r.tryAcquire(ip("2001:db8:1:3::1"))).isTrue();
    assertThat(r.stats().sources()).isEqualTo(4);
  }

  @Test
  void ipv4AndIpv6KeysNeverCollide() throws Exception {
    assertThat(RateLimiter.key(ip("0.0.0.0"))).isNotEqualTo(RateLimiter.key(ip("::")));
    assertThat(RateLimiter.key(ip("0.0.0.1"))).isNotEqualTo(RateLimiter.key(ip("::1")));
  }

  @Test
  void trustedSourcesAreNeverLimitedNorTracked() throws Exception {
    RateLimiter r = limiter().requestsPerSecond(1).requestBurst(1).authFailureBurst(1)
        .trusted(AddressMatcher.parse("10.0.0.0/8, ::1")).build();
    for (int i = 0; i < 100; i++) {
      assertThat(r.tryAcquire(ip("10.1.2.3"))).isTrue();
      r.authFailed(ip("::1"));
    }
    assertThat(r.authBlocked(ip("::1"))).isFalse();
    assertThat(r.stats().sources()).isZero();
    assertThat(r.stats().authFailures()).isZero();
  }

  @Test
  void failedAuthenticationsBlockASourceForTheBlockTime() throws Exception {
    RateLimiter r = limiter().authFailuresPerMinute(6).authFailureBurst(3)
        .authBlock(Duration.ofMinutes(5)).build();
    InetAddress a = ip("198.51.100.7");
    assertThat(r.authBlocked(a)).isFalse();
    r.authFailed(a);
    r.authFailed(a);
    assertThat(r.authBlocked(a)).isFalse();
    r.authFailed(a);
    assertThat(r.authBlocked(a)).isTrue();
    assertThat(r.authBlocked(ip("198.51.100.8"))).isFalse();
    assertThat(r.retryAfterSeconds(a)).isEqualTo(300);
    advance(Duration.ofSeconds(299));
    assertThat(r.authBlocked(a)).isTrue();
    assertThat(r.retryAfterSeconds(a)).isEqualTo(1);
    advance(Duration.ofSeconds(1));
    assertThat(r.authBlocked(a)).isFalse();
    assertThat(r.stats().authBlocks()).isEqualTo(1);
    assertThat(r.stats().authFailures()).isEqualTo(3);
  }

  @Test
  void anOccasionalWrongPasswordIsNeverBlocked() throws Exception {
    RateLimiter r = limiter().authFailuresPerMinute(6).authFailureBurst(3).build();
    InetAddress a = ip("198.51.100.7");
    for (int i = 0; i < 1000; i++) {
      r.authFailed(a);
      assertThat(r.authBlocked(a)).as("failure %d", i).isFalse();
      advance(Duration.ofSeconds(10)); // one per refill period
    }
  }

  @Test
  void aZeroRateTurnsALimitOff() throws Exception {
    RateLimiter r = limiter().requestsPerSecond(0).authFailuresPerMinute(0).build();
    for (int i = 0; i < 10_000; i++) {
      assertThat(r.tryAcquire(ip("192.0.2.1"))).isTrue();
      r.authFailed(ip("192.0.2.1"));
    }
    assertThat(r.authBlocked(ip("192.0.2.1"))).isFalse();
    assertThat(r.stats().sources()).isZero();
  }

  @Test
  void theTableForgetsTheLeastRecentlySeenSourceBeyondItsBound() throws Exception {
    RateLimiter r = limiter().requestsPerSecond(1).requestBurst(1).maxSources(64).build();
    InetAddress first = ip("192.0.2.1");
    assertThat(r.tryAcquire(first)).isTrue();
    assertThat(r.tryAcquire(first)).isFalse();
    for (int i = 0; i < 10_000; i++) {
      r.tryAcquire(ip("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)));
    }
    assertThat(r.stats().sources()).isLessThanOrEqualTo(64);
    assertThat(r.stats().maxSources()).isEqualTo(64);
    assertThat(r.tryAcquire(first)).isTrue(); // forgotten: a full bucket again
  }

  @Test
  void manyThreadsNeverGetMoreThanTheBurst() throws Exception {
    RateLimiter r = limiter().requestsPerSecond(1).requestBurst(1000).build();
    InetAddress a = ip("192.0.2.1");
    AtomicInteger granted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    for (int t = 0; t < 8; t++) {
      pool.execute(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1000; i++) {
          if (r.tryAcquire(a)) {
            granted.incrementAndGet();
          }
        }
      });
    }
    go.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(granted.get()).isEqualTo(1000);
    assertThat(r.stats().requestsRefused()).isEqualTo(7000);
  }

  @Test
  void settingsAreCheckedWithTheirNames() {
    assertThatThrownBy(() -> RateLimiter.builder().requestsPerSecond(-1))
        .hasMessage("requestsPerSecond out of range 0..1000000: -1.0");
    assertThatThrownBy(() -> RateLimiter.builder().requestBurst(0))
        .hasMessage("requestBurst out of range 1..1000000: 0");
    assertThatThrownBy(() -> RateLimiter.builder().authFailuresPerMinute(Double.NaN))
        .hasMessageContaining("authFailuresPerMinute");
    assertThatThrownBy(() -> RateLimiter.builder().authBlock(Duration.ZERO))
        .hasMessageContaining("authBlock");
    assertThatThrownBy(() -> RateLimiter.builder().maxSources(0))
        .hasMessage("maxSources out of range 1..16777216: 0");
  }
}
