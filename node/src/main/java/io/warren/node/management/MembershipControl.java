package io.warren.node.management;

import io.warren.node.replication.ClusterMembers;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The cluster membership operations a node offers its management API. */
public interface MembershipControl {
  /** The members and admitted nodes as the metadata group records them. */
  ClusterMembers registry();

  /** The nodes that replicate the metadata group now (a joining node appears once it caught up). */
  List<String> replicating();

  /** Lets {@code node} join: it becomes a member when it starts with {@code cluster.join=true}. */
  CompletableFuture<Void> admit(String node);

  /** Takes {@code node} out of the cluster (every group), running or not. */
  CompletableFuture<Void> remove(String node);
}
