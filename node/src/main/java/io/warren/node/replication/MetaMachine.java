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

/**
 * The state machine of the metadata group. The topology it replicates lives in the node's broker
 * (which routes every publish), so applying an entry means handing its commands to the node's
 * broker thread and waiting for the writes that describe the durable changes ({@link
 * TopologyRecords}); those go into the entry's batch.
 */
public final class MetaMachine implements GroupStateMachine<CommandBatch> {
  /** The node side: applies on the broker thread and waits for it. */
  public interface Host {
    /** Rebuilds the topology from stored records, before any entry is applied. */
    void restoreTopology(List<Command> commands);

    /** Applies one committed entry to the node's broker; returns the store writes it caused. */
    List<TopologyRecords.Write> applyMeta(long index, CommandBatch entry);
  }

  private final Host host;

  public MetaMachine(Host host) {
    this.host = host;
  }

  @Override
  public Set<String> families() {
    return Set.of(TopologyRecords.FAMILY);
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
  }

  @Override
  public CommandBatch decode(byte[] command) {
    return CommandBatch.decode(command);
  }

  @Override
  public byte[] apply(long index, CommandBatch command, StoreBatch batch) {
    for (TopologyRecords.Write w : host.applyMeta(index, command)) {
      if (w.value() == null) {
        batch.delete(TopologyRecords.FAMILY, w.key());
      } else {
        batch.put(TopologyRecords.FAMILY, w.key(), w.value());
      }
    }
    return new byte[0];
  }
}
