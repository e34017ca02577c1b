package io.warren.node.management;

import io.warren.node.config.WarrenConfig;
import io.warren.raft.GroupStatus;
import io.warren.raft.RaftNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster's nodes and which of them this node believes to be running. There is no membership
 * service to ask: a node counts as running if it is this one, if it leads one of the Raft groups
 * as this node sees them (each healthy node leads its share of the partitions), or, when this
 * node leads the metadata group, if it answered within {@code cluster.node-down-after}.
 */
final class ClusterStatus {
  private final String self;
  private final List<String> members;
  private final RaftNode raft;
  private final Duration downAfter;

  ClusterStatus(WarrenConfig config, RaftNode raft) {
    this.self = config.get(WarrenConfig.NODE_ID);
    Map<String, String> peers = config.get(WarrenConfig.CLUSTER_PEERS);
    this.members = peers.isEmpty() ? List.of(self) : List.copyOf(new TreeSet<>(peers.keySet()));
    this.raft = raft;
    this.downAfter = Duration.ofSeconds(config.get(WarrenConfig.CLUSTER_NODE_DOWN_AFTER));
  }

  String self() {
    return self;
  }

  /** The metadata group's members now (nodes come and go), or the configured peers before it runs. */
  List<String> members() {
    if (raft != null && members.size() > 1) {
      List<String> live = raft.members(io.warren.node.broker.ReplicatedCommandLog.META_GROUP);
      if (!live.isEmpty()) {
        return live;
      }
    }
    return members;
  }

  /** The cluster's name: RabbitMQ's defaults to its first node's; ours is the first member. */
  String clusterName() {
    return members.get(0); // the configured list: the name stays when members change
  }

  boolean running(String node) {
    if (node.equals(self)) {
      return true;
    }
    if (raft == null) {
      return false;
    }
    Set<String> groups = raft.groups();
    for (String g : groups) {
      if (raft.leader(g).map(node::equals).orElse(false)) {
        return true;
      }
    }
    Optional<GroupStatus> meta = raft.status(io.warren.node.broker.ReplicatedCommandLog.META_GROUP);
    if (meta.isPresent() && meta.get().role() == GroupStatus.Role.LEADER) {
      Long silent = meta.get().followerLastContactMillis().get(node);
      return silent != null && silent < downAfter.toMillis();
    }
    return false;
  }

  List<String> running() {
    return members.stream().filter(this::running).toList();
  }
}
