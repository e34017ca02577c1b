package io.warren.node.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.model.ConnectionIds;
import io.warren.raft.CommandRejectedException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who belongs to the cluster, as the metadata group records it: each member's node index (the
 * {@code node} part of its connection ids, see {@link ConnectionIds}), the nodes an operator has
 * admitted but that have not joined yet, and the number of queue partitions, which is fixed when
 * the cluster forms (queues are placed by hashing over it). The Raft groups' own configurations
 * say which nodes replicate; this registry gives them their numbers, so indexes never repeat:
 * a removed node's index is not handed out again.
 *
 * <p>Immutable; {@link #apply} is deterministic, as every metadata entry must be.
 */
public record ClusterMembers(int partitions, int nextIndex, Map<String, Integer> indexes, Set<String> admitted) {
  private static final int FORMAT = 1;
  public static final ClusterMembers NONE = new ClusterMembers(0, 0, Map.of(), Set.of());

  public ClusterMembers {
    indexes = Map.copyOf(indexes);
    admitted = Set.copyOf(admitted);
  }

  /** Whether the cluster has formed (the first {@link MembershipChange.Form} was applied). */
  public boolean formed() {
    return partitions > 0;
  }

  public Optional<Integer> indexOf(String node) {
    return Optional.ofNullable(indexes.get(node));
  }

  /** The registry after {@code change}; refuses (on every replica alike) what cannot be done. */
  public ClusterMembers apply(MembershipChange change) {
    if (change instanceof MembershipChange.Form f) {
      return formed() ? this : form(f);
    }
    requireFormed();
    if (change instanceof MembershipChange.Admit a) {
      if (indexes.containsKey(a.node())) {
        return this;
      }
      Set<String> next = new TreeSet<>(admitted);
      next.add(a.node());
      return new ClusterMembers(partitions, nextIndex, indexes, next);
    }
    if (change instanceof MembershipChange.Join j) {
      return join(j.node());
    }
    return leave(((MembershipChange.Leave) change).node());
  }

  private ClusterMembers join(String node) {
    if (indexes.containsKey(node)) {
      return this; // a join retried after a crash half-way keeps its index
    }
    if (!admitted.contains(node)) {
      throw new CommandRejectedException("node " + node
          + " is not admitted to the cluster: run 'warrenctl add_member " + node + "' against a member first");
    }
    if (nextIndex > 255) {
      throw new CommandRejectedException("no node index left for " + node + " (at most 256 nodes ever)");
    }
    Map<String, Integer> next = new TreeMap<>(indexes);
    next.put(node, nextIndex);
    Set<String> stillWaiting = new TreeSet<>(admitted);
    stillWaiting.remove(node);
    return new ClusterMembers(partitions, nextIndex + 1, next, stillWaiting);
  }

  private ClusterMembers leave(String node) {
    if (!indexes.containsKey(node) && !admitted.contains(node)) {
      throw new CommandRejectedException("node " + node + " is not a member of the cluster");
    }
    if (indexes.containsKey(node) && indexes.size() == 1) {
      throw new CommandRejectedException("node " + node + " is the last member of the cluster");
    }
    Map<String, Integer> next = new TreeMap<>(indexes);
    next.remove(node);
    Set<String> notWaiting = new TreeSet<>(admitted);
    notWaiting.remove(node);
    return new ClusterMembers(partitions, nextIndex, next, notWaiting);
  }

  private ClusterMembers form(MembershipChange.Form f) {
    Map<String, Integer> numbered = new TreeMap<>();
    for (String member : f.members()) {
      numbered.put(member, numbered.size());
    }
    return new ClusterMembers(f.partitions(), numbered.size(), numbered, Set.of());
  }

  private void requireFormed() {
    if (!formed()) {
      throw new CommandRejectedException("the cluster has not formed yet");
    }
  }

  public byte[] encode() {
    ByteBuf buf = Unpooled.buffer();
    BinaryWriter out = new BinaryWriter(buf).int8(FORMAT).int32(partitions).int32(nextIndex).int32(indexes.size());
    new TreeMap<>(indexes).forEach((node, index) -> out.string(node).int32(index));
    out.int32(admitted.size());
    new TreeSet<>(admitted).forEach(out::string);
    byte[] bytes = new byte[buf.readableBytes()];
    buf.readBytes(bytes);
    return bytes;
  }

  public static ClusterMembers decode(byte[] bytes) {
    BinaryReader in = new BinaryReader(Unpooled.wrappedBuffer(bytes), "cluster members");
    int format = in.int8();
    if (format != FORMAT) {
      throw in.corrupt("unknown format " + format);
    }
    int partitions = in.int32();
    int nextIndex = in.int32();
    Map<String, Integer> indexes = new TreeMap<>();
    for (int i = in.length(5, "members"); i > 0; i--) {
      indexes.put(in.string(), in.int32());
    }
    Set<String> admitted = new TreeSet<>();
    for (int i = in.length(1, "admitted"); i > 0; i--) {
      admitted.add(in.string());
    }
    in.expectEnd();
    return new ClusterMembers(partitions, nextIndex, indexes, admitted);
  }
}
