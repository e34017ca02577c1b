package io.warren.raft;

import java.util.Optional;

/**
 * Told when a group hosted on this node sees a new leader (or loses it). Called on the node's
 * event thread, in order; keep it short and never block.
 */
@FunctionalInterface
public interface LeaderListener {
  /**
   * @param group the group's name
   * @param leader the new leader's node id, empty while there is none
   * @param local whether the new leader is this node
   */
  void leaderChanged(String group, Optional<String> leader, boolean local);
}
