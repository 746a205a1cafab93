package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Endpoint;
import dev.parley.testkit.FakeScheduler;
import dev.parley.testkit.FakeTransportLayer;
import dev.parley.transport.ListenPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint completes futures on its executor, which may be a pool that runs queued tasks in
 * any order: the first outcome queued for a future must still be its outcome. The executor here
 * holds the tasks and runs them last queued first, the worst order a pool can pick.
 */
class CompletionOrderTest {
  private final List<Runnable> tasks = new ArrayList<>();
  private DefaultEndpoint endpoint;

  @BeforeEach
  void start() {
    FakeTransportLayer net = new FakeTransportLayer(new FakeScheduler(),
        ListenPoint.parse("udp:127.0.0.1:5062"));
    endpoint = (DefaultEndpoint) Endpoint.builder("sip:alice@127.0.0.1").transport(net)
        .executor(tasks::add).build();
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private void runLastQueuedFirst() {
    List<Runnable> queued = new ArrayList<>(tasks);
    tasks.clear();
    Collections.reverse(queued);
    queued.forEach(Runnable::run);
  }

  @Test
  void aFutureCompletedThenFailedBeforeEitherRanKeepsTheCompletion() {
    CompletableFuture<String> f = new CompletableFuture<>();
    endpoint.complete(f, "connected");
    endpoint.fail(f, new IllegalStateException("left"));
    endpoint.kick();
    runLastQueuedFirst();

    assertThat(f).isCompletedWithValue("connected");
  }

  @Test
  void aFutureFailedThenCompletedBeforeEitherRanKeepsTheFailure() {
    CompletableFuture<String> f = new CompletableFuture<>();
    endpoint.fail(f, new IllegalStateException("rejected"));
    endpoint.complete(f, "late");
    endpoint.kick();
    runLastQueuedFirst();

    assertThat(f).isCompletedExceptionally();
  }

  @Test
  void aFutureCanBeSettledAgainOnceItsFirstOutcomeRanWithoutChangingIt() {
    CompletableFuture<String> f = new CompletableFuture<>();
    endpoint.complete(f, "first");
    endpoint.kick();
    runLastQueuedFirst();
    endpoint.fail(f, new IllegalStateException("second"));
    endpoint.kick();
    runLastQueuedFirst();

    assertThat(f).isCompletedWithValue("first");
    assertThat(tasks).isEmpty();
  }
}
