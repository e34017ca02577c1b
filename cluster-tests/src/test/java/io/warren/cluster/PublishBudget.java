package io.warren.cluster;

/**
 * How many messages a workload's producers may publish in all: the test lets them run a set number
 * of messages ahead of the confirms it waits for, so a phase that waits for something else (a node
 * starting, a node declared down) does not pile up an unbounded backlog. Counted in messages, not
 * in time: a producer waits for the test to let it go on, never for a clock.
 */
final class PublishBudget {
  private final long ahead;
  private long allowed;
  private long taken;
  private boolean closed;

  /** @param ahead messages the producers may publish beyond what the test waits for; 0: no bound */
  PublishBudget(long ahead) {
    this.ahead = ahead;
    this.allowed = ahead;
  }

  /**
   * The test is about to wait for {@code more} confirms: the producers may publish that many beyond
   * what they have published so far, and {@code ahead} more.
   */
  synchronized void allowMore(long more) {
    allowed = Math.max(allowed, taken + more + ahead);
    notifyAll();
  }

  /**
   * Takes one publish from the budget, waiting until the test allows one.
   *
   * @return false once the workload stops
   */
  synchronized boolean take() throws InterruptedException {
    while (ahead > 0 && taken >= allowed && !closed) {
      wait();
    }
    taken++;
    return !closed;
  }

  /** The workload stops: producers waiting for the budget go on to stop. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
