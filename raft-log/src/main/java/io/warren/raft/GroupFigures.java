package io.warren.raft;

import io.warren.storage.StoreStats;
import java.util.Optional;

/**
 * One group's figures on this node, for metrics. Taken on demand: reading them walks the group's
 * log directory and asks its store for its RocksDB properties.
 *
 * @param group the group's name
 * @param status this replica's role, term and indexes
 * @param leaderChanges times this replica learnt of a new leader since the node started
 * @param snapshotInstalls snapshots this replica installed from a leader since the node started
 * @param logBytes size of the group's Raft log segments on disk
 * @param store the group's RocksDB store; empty while it is closed (being replaced)
 */
public record GroupFigures(
    String group,
    GroupStatus status,
    long leaderChanges,
    long snapshotInstalls,
    long logBytes,
    Optional<StoreStats> store) {

  /** Entries committed but not yet applied by this replica. */
  public long applyLag() {
    return Math.max(0, status.commitIndex() - status.appliedIndex());
  }
}
