package io.warren.node.replication;

import io.warren.model.Command;
import io.warren.raft.GroupStateMachine;
import io.warren.storage.KeyRange;
import io.warren.storage.Store;
import io.warren.storage.StoreBatch;
import io.warren.storage.StoreIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The state machine of the metadata group. The topology it replicates lives in the node's broker
 * (which routes every publish), so applying an entry means handing its commands to the node's
 * broker thread and waiting for the writes that describe the durable changes ({@link
 * TopologyRecords}); those go into the entry's batch.
 *
 * <p>The group also records who belongs to the cluster ({@link ClusterMembers}): membership
 * entries are applied here, not by the broker, and their reply is the registry after the change
 * (a joining node learns its node index from it before it is a member).
 */
public final class MetaMachine implements GroupStateMachine<MetaMachine.Entry> {
  /** What one metadata log entry holds. */
  public sealed interface Entry {}

  /** Topology commands for the broker. */
  public record Topology(CommandBatch batch) implements Entry {}

  /** A change of membership. */
  public record Membership(MembershipChange change) implements Entry {}

  static final String MEMBERS_FAMILY = "members";
  private static final byte[] MEMBERS_KEY = "registry".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The node side: applies on the broker thread and waits for it. */
  public interface Host {
    /** Rebuilds the topology from stored records, before any entry is applied. */
    void restoreTopology(List<Command> commands);

    /** Applies one committed entry to the node's broker; returns the store writes it caused. */
    List<TopologyRecords.Write> applyMeta(long index, CommandBatch entry);
  }

  private final Host host;
  private final Consumer<ClusterMembers> membersChanged;
  private volatile ClusterMembers members = ClusterMembers.NONE;
  private ClusterMembers applying;

  /** @param membersChanged told the registry after restore and after each membership entry */
  public MetaMachine(Host host, Consumer<ClusterMembers> membersChanged) {
    this.host = host;
    this.membersChanged = membersChanged;
  }

  /** The registry as of the last applied entry. */
  public ClusterMembers members() {
    return members;
  }

  @Override
  public Set<String> families() {
    return Set.of(TopologyRecords.FAMILY, MEMBERS_FAMILY);
  }

  @Override
  public void restore(Store store) {
    List<Command> commands = new ArrayList<>();
    try (StoreIterator it = store.iterate(TopologyRecords.FAMILY, KeyRange.all())) {
      while (it.hasNext()) {
        commands.add(CommandCodec.decode(it.next().value()));
      }
    }
    host.restoreTopology(commands);
    byte[] registry = store.get(MEMBERS_FAMILY, MEMBERS_KEY);
    members = registry == null ? ClusterMembers.NONE : ClusterMembers.decode(registry);
    membersChanged.accept(members);
  }

  @Override
  public Entry decode(byte[] command) {
    return MembershipChange.isMembership(command)
        ? new Membership(MembershipChange.decode(command))
        : new Topology(CommandBatch.decode(command));
  }

  @Override
  public byte[] apply(long index, Entry entry, StoreBatch batch) {
    if (entry instanceof Membership m) {
      applying = members.apply(m.change());
      batch.put(MEMBERS_FAMILY, MEMBERS_KEY, applying.encode());
      return applying.encode();
    }
    for (TopologyRecords.Write w : host.applyMeta(index, ((Topology) entry).batch())) {
      if (w.value() == null) {
        batch.delete(TopologyRecords.FAMILY, w.key());
      } else {
        batch.put(TopologyRecords.FAMILY, w.key(), w.value());
      }
    }
    return new byte[0];
  }

  @Override
  public void written(long index) {
    if (applying != null) {
      members = applying;
      applying = null;
      membersChanged.accept(members);
    }
  }
}
