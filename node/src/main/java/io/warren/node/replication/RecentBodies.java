package io.warren.node.replication;

import java.util.ArrayDeque;

/**
 * The bodies of a partition's most recently stored messages, kept on the heap up to a byte budget
 * after their batch is written. A consumer that keeps up with its queue is then served from memory;
 * once a backlog outgrows the budget, the oldest bodies leave the heap and are read back from the
 * store when their turn comes (queues are mostly consumed in the order they were filled, so the
 * oldest go first). Counted by stored size until they leave the queue, even if their message went
 * earlier: the budget is an upper bound on what the heap holds, not an exact figure.
 */
final class RecentBodies {
  private final long budgetBytes;
  private final ArrayDeque<StoredBody> kept = new ArrayDeque<>();
  private long keptBytes;

  RecentBodies(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** A body whose batch is written: kept while the budget allows, the oldest ones leave. */
  void keep(StoredBody body) {
    kept.addLast(body);
    keptBytes += body.size();
    while (keptBytes > budgetBytes && !kept.isEmpty()) {
      StoredBody oldest = kept.pollFirst();
      keptBytes -= oldest.size();
      oldest.evict();
    }
  }
}
