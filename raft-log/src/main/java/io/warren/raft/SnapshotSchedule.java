package io.warren.raft;

import java.util.List;

/**
 * Where in a group's log this replica takes its snapshots: every {@code interval} entries, at
 * indexes {@code phase + m * interval}.
 *
 * <p>A snapshot holds up the applies of its group on its node while RocksDB writes the checkpoint
 * (25 to 140 ms measured with three nodes on two cores). Replicas apply the same entries within
 * milliseconds of each other, so with one schedule for all they stopped together, leader and
 * followers, and every client of the group waited (a latency spike in each interval). Each node
 * has its own phase, a fraction of the interval set by its place among the cluster's nodes, so at
 * most one replica of a group is held up at a time and the others keep a majority applying.
 *
 * <p>The memtables are flushed in the background from {@link #flushFrom} on, so that the
 * checkpoint itself finds little left to write.
 */
record SnapshotSchedule(long interval, long phase) {
  SnapshotSchedule {
    if (interval < 1 || phase < 0 || phase >= interval) {
      throw new IllegalArgumentException("interval " + interval + ", phase " + phase);
    }
  }

  /** The schedule of node {@code nodeId} among {@code nodes} (every node of the cluster). */
  static SnapshotSchedule of(long interval, String nodeId, List<String> nodes) {
    List<String> sorted = nodes.stream().sorted().toList();
    int place = Math.max(0, sorted.indexOf(nodeId));
    return new SnapshotSchedule(interval, interval * place / Math.max(1, sorted.size()));
  }

  /**
   * The index of the snapshot that follows one at {@code latest} (-1 when there is none): the
   * first index on this schedule at least an interval after it. Ratis asks for a snapshot only
   * once an interval has passed since the latest, so a replica can only wait for its phase, never
   * go ahead of it: one interval of up to twice the length brings it onto its phase, and from
   * there it stays on it.
   */
  long nextAfter(long latest) {
    long from = latest + interval;
    long steps = -Math.floorDiv(phase - from, interval);
    return phase + steps * interval;
  }

  /** Whether a snapshot is due with {@code applied} applied and the latest at {@code latest}. */
  boolean due(long applied, long latest) {
    return applied >= nextAfter(latest);
  }

  /** The index from which the memtables are flushed ahead of the snapshot after {@code latest}. */
  long flushFrom(long latest) {
    return nextAfter(latest) - Math.max(1, interval / 8);
  }
}
