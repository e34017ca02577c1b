package io.warren.raft;

import java.util.Map;
import java.util.Optional;

/**
 * This node's view of one group, for metrics and failure detection.
 *
 * @param role this node's role in the group
 * @param term current term
 * @param leader the leader's node id, when known
 * @param commitIndex highest index known committed
 * @param appliedIndex highest index applied by this replica
 * @param snapshotIndex index of the latest local snapshot, or -1
 * @param followerLastContactMillis when this node leads: per follower id, milliseconds since its
 *     last response (a large value means the follower is down or cut off); empty otherwise
 * @param leaderLastContactMillis when this node follows: milliseconds since the leader last
 *     reached it; -1 otherwise
 */
public record GroupStatus(
    Role role,
    long term,
    Optional<String> leader,
    long commitIndex,
    long appliedIndex,
    long snapshotIndex,
    Map<String, Long> followerLastContactMillis,
    long leaderLastContactMillis) {

  /** A node's role in a group. */
  public enum Role {
    LEADER,
    FOLLOWER,
    CANDIDATE,
    /** Not running here (closed, failed, or a non-voting listener). */
    OTHER
  }
}
