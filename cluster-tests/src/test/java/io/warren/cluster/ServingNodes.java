package io.warren.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes of a cluster that take clients now, with whatever a client needs to reach each, and a
 * count of the changes to that set that a client can wait on: a client that no node would take
 * waits for the set to change (a node started, resumed or went) instead of retrying on a clock.
 */
final class ServingNodes<V> {
  private final Map<String, V> nodes = new ConcurrentHashMap<>();
  private long changes;

  V get(String id) {
    return nodes.get(id);
  }

  void put(String id, V value) {
    nodes.put(id, value);
    changed();
  }

  void remove(String id) {
    if (nodes.remove(id) != null) {
      changed();
    }
  }

  void clear() {
    nodes.clear();
    changed();
  }

  /** How many times the set has changed so far. */
  synchronized long changes() {
    return changes;
  }

  /**
   * Waits until the set has changed more than {@code seen} times, or {@code patience} has passed (a
   * node that refused clients for a moment may take them again without the set changing).
   *
   * @return how many times it has changed
   */
  synchronized long awaitChangeAfter(long seen, Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    for (long left = patience.toNanos(); changes == seen && left > 0; left = deadline - System.nanoTime()) {
      wait(Math.max(1, left / 1_000_000));
    }
    return changes;
  }

  private synchronized void changed() {
    changes++;
    notifyAll();
  }
}
