package dev.parley.transport.internal;

import dev.parley.transport.Scheduler;
import io.netty.channel.EventLoop;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} over one Netty {@link EventLoop}: tasks and timers run on the loop's thread,
 * and the clock is {@link System#nanoTime()} in milliseconds. Thread-safe.
 */
public final class NettyScheduler implements Scheduler {
  private final EventLoop loop;

  public NettyScheduler(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  /** The event loop. */
  public EventLoop loop() {
    return loop;
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  @Override
  public boolean inLoop() {
    return loop.inEventLoop();
  }

  @Override
  public Timer schedule(Runnable task, long delay, TimeUnit unit) {
    io.netty.util.concurrent.ScheduledFuture<?> f = loop.schedule(task, delay, unit);
    return () -> f.cancel(false);
  }

  @Override
  public long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NettyScheduler s && s.loop == loop;
  }

  @Override
  public int hashCode() {
    return loop.hashCode();
  }

  @Override
  public String toString() {
    return "NettyScheduler{" + loop + "}";
  }
}
