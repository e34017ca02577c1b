package io.warren.cluster;

import java.util.concurrent.TimeUnit;

/**
 * Spaces one producer's publishes to a rate, so that a phase of a test that lasts as long as a
 * node takes to start does not pile up an unbounded backlog. After a stall (its node died) it does
 * not catch up with a burst. It shapes the load only: nothing asserts on it.
 */
final class Pacer {
  private final long intervalNanos;
  private long due = System.nanoTime();

  /** @param rate per second; 0 does not pace */
  Pacer(int rate) {
    this.intervalNanos = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
  }

  /** Waits until the next publish is due. */
  void await() throws InterruptedException {
    long now = System.nanoTime();
    if (due - now > 0) {
      TimeUnit.NANOSECONDS.sleep(due - now);
      now = due;
    }
    due = now + intervalNanos;
  }
}
