package io.warren.raft;

import io.warren.storage.StorageException;
import io.warren.storage.StoreStats;
import io.warren.storage.StoreBatch;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of one group on this node: runs the {@link GroupStateMachine}, keeps its
 * RocksDB store and the applied index in step, and makes snapshots out of RocksDB checkpoints
 * (design (B) of the Ratis guide).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>Each command's changes and its (term, index) are committed in one RocksDB batch, so after a
 *       crash the store's applied index P says exactly what it contains.
 *   <li>Ratis replays from the latest snapshot S &lt;= P after a restart; entries &lt;= P are skipped
 *       (never applied twice).
 *   <li>A snapshot at index i is a checkpoint of a store whose applied index is &gt;= i, so Ratis
 *       never purges log entries the store lacks.
 *   <li>Each submitting session's entries are applied once each, in its seq order ({@link
 *       Sessions}); out-of-order or repeated entries are answered without being applied.
 *   <li>Applies complete synchronously, hence in log order.
 * </ul>
 *
 * <p>Threading: Ratis calls apply, takeSnapshot and reinitialize on the group's updater thread, and
 * pause from the snapshot-install thread; {@link #lock} orders them.
 */
final class ReplicatedStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedStateMachine.class);

  /** What the node wants to hear about this group. */
  interface Events {
    /** Everything up to {@code index} is applied on this replica. Called on the apply thread. */
    void applied(long index);

    /** Leader changed (empty: no leader). Must not block: called under Ratis locks. */
    void leaderChanged(Optional<String> leader);

    /** A snapshot from the leader was installed in place of this replica's state. */
    void snapshotInstalled();
  }

  private final String groupName;
  private final GroupStateMachine<?> machine;
  private final GroupDatabase database;
  private final Events events;
  private final SnapshotSchedule schedule;
  private final CheckpointSnapshots snapshots = new CheckpointSnapshots();
  private final Sessions sessions = new Sessions();
  private final Object lock = new Object();
  /** Applied position recorded in the store; guarded by {@link #lock}. */
  private LogPosition persisted = LogPosition.NONE;
  /** The latest snapshot's index when the store last started a flush ahead of the next one. */
  private long flushedAhead = Long.MIN_VALUE;

  ReplicatedStateMachine(
      String groupName,
      GroupStateMachine<?> machine,
      GroupDatabase database,
      Events events,
      SnapshotSchedule schedule) {
    this.groupName = groupName;
    this.machine = machine;
    this.database = database;
    this.events = events;
    this.schedule = schedule;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage)
      throws IOException {
    getLifeCycle()
        .startAndTransition(
            () -> {
              super.initialize(server, groupId, storage);
              synchronized (lock) {
                snapshots.init(storage);
                SnapshotInfo latest = snapshots.getLatestSnapshot();
                persisted =
                    database.open(
                        snapshots.latestDirectory(),
                        latest == null ? -1 : latest.getIndex(),
                        machine.restartsFromSnapshot());
                sessions.load(database.store());
                machine.restore(database.store());
                if (latest != null) {
                  // Ratis replays from the snapshot index, so that is where "applied" starts.
                  setLastAppliedTermIndex(latest.getTermIndex());
                }
                LOG.info(
                    "Group {} starts with store at {} and snapshot {}", groupName, persisted, latest);
              }
              events.applied(persisted.index());
            });
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  /** An entry read on the leader when it was submitted; see {@link GroupStateMachine#decode}. */
  private record Decoded(Envelope.Entry entry, Object command) {}

  /**
   * On the leader, for an entry submitted through it: reads the entry and its command now, on the
   * submitting thread, so that the apply thread finds them ready in the transaction context.
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    try {
      Envelope.Entry entry = Envelope.parseEntry(request.getMessage().getContent());
      Object command = entry.kind() == Envelope.COMMAND ? machine.decode(entry.payload()) : null;
      trx.setStateMachineContext(new Decoded(entry, command));
    } catch (RuntimeException e) {
      // Left to the apply, which reads the log entry again and fails the same way on every replica.
      LOG.debug("Group {}: cannot read a submitted entry ahead of its apply: {}", groupName, e.toString());
    }
    return trx;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    byte[] reply;
    synchronized (lock) {
      if (index <= persisted.index()) {
        reply = Envelope.replayed();
      } else {
        Decoded decoded =
            trx.getStateMachineContext() instanceof Decoded d
                ? d
                : new Decoded(
                    Envelope.parseEntry(trx.getStateMachineLogEntry().getLogData()),
                    null);
        reply = applyEntry(new LogPosition(entry.getTerm(), index), decoded);
      }
      updateLastAppliedTermIndex(entry.getTerm(), index);
    }
    events.applied(index);
    return CompletableFuture.completedFuture(
        Message.valueOf(UnsafeByteOperations.unsafeWrap(reply)));
  }

  private byte[] applyEntry(LogPosition position, Decoded decoded) {
    try (StoreBatch batch = database.store().newBatch()) {
      Envelope.Entry entry = decoded.entry();
      long expected = sessions.expected(entry.origin());
      byte[] reply;
      if (entry.seq() < expected) {
        reply = Envelope.duplicate();
      } else if (entry.seq() > expected) {
        reply = Envelope.outOfOrder(expected);
      } else {
        reply =
            switch (entry.kind()) {
              case Envelope.COMMAND -> applyCommand(position.index(), decoded, batch);
              case Envelope.BARRIER -> Envelope.ok(new byte[0]);
              default -> throw new IllegalStateException(
                  "group " + groupName + ": unknown entry kind " + entry.kind() + " at " + position);
            };
        sessions.advance(entry.origin(), entry.seq(), position.index(), batch);
      }
      sessions.prune(position.index(), batch);
      GroupDatabase.recordApplied(batch, position);
      database.store().write(batch);
      persisted = position;
      machine.written(position.index());
      flushAheadOfSnapshot(position.index());
      return reply;
    } catch (RuntimeException e) {
      // Not a rejection: a bug or a storage failure. Stopping the group here (Ratis closes it on
      // a throw) is the only way to keep replicas from diverging.
      LOG.error("Group {}: apply of entry {} failed; stopping the group", groupName, position, e);
      throw e;
    }
  }

  /** Starts the memtables' flush once the next snapshot is near (see {@link SnapshotSchedule}). */
  private void flushAheadOfSnapshot(long applied) {
    long latest = latestSnapshotIndex();
    if (flushedAhead != latest && applied >= schedule.flushFrom(latest)) {
      flushedAhead = latest;
      database.store().startFlush();
    }
  }

  private long latestSnapshotIndex() {
    SnapshotInfo latest = snapshots.getLatestSnapshot();
    return latest == null ? RaftLog.INVALID_LOG_INDEX : latest.getIndex();
  }

  private byte[] applyCommand(long index, Decoded decoded, StoreBatch batch) {
    try {
      byte[] reply = apply(machine, index, decoded, batch);
      return Envelope.ok(reply == null ? new byte[0] : reply);
    } catch (CommandRejectedException e) {
      batch.clear();
      return Envelope.rejected(e.getMessage());
    }
  }

  /** Applies with the command read on submission, or reads it now. */
  @SuppressWarnings("unchecked")
  private static <C> byte[] apply(
      GroupStateMachine<C> machine, long index, Decoded decoded, StoreBatch batch) {
    C command =
        decoded.command() != null
            ? (C) decoded.command()
            : machine.decode(decoded.entry().payload());
    return machine.apply(index, command, batch);
  }

  @Override
  public long takeSnapshot() throws IOException {
    synchronized (lock) {
      TermIndex last = getLastAppliedTermIndex();
      if (last == null || last.getIndex() < 0) {
        return RaftLog.INVALID_LOG_INDEX;
      }
      long latest = latestSnapshotIndex();
      if (latest >= last.getIndex()) {
        return latest;
      }
      if (!schedule.due(last.getIndex(), latest)) {
        // Ratis asks after every batch of applies once an interval has passed since its own
        // count started; this replica's turn comes later (its phase).
        return RaftLog.INVALID_LOG_INDEX;
      }
      // The machine's in-memory state as of this index, and the index itself (only
      // configuration entries may have come since the last command), go in with the checkpoint.
      long started = System.nanoTime();
      LogPosition position = new LogPosition(last.getTerm(), last.getIndex());
      try (StoreBatch batch = database.store().newBatch()) {
        GroupDatabase.recordApplied(batch, position);
        machine.beforeSnapshot(batch);
        database.store().write(batch);
      }
      persisted = position;
      long written = System.nanoTime();
      snapshots.create(last, target -> database.store().checkpoint(target));
      // Applies of this group wait for the whole of it: the time is worth seeing.
      LOG.info(
          "Group {}: snapshot at {} (store at {}) in {} ms, {} ms of it the checkpoint",
          groupName,
          last,
          persisted,
          (System.nanoTime() - started) / 1_000_000,
          (System.nanoTime() - written) / 1_000_000);
      return last.getIndex();
    }
  }

  @Override
  public void pause() {
    synchronized (lock) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  @Override
  public void reinitialize() throws IOException {
    long applied;
    synchronized (lock) {
      snapshots.reload();
      SnapshotInfo latest = snapshots.getLatestSnapshot();
      if (latest == null) {
        throw new IOException("group " + groupName + ": no snapshot found after install");
      }
      if (latest.getIndex() > persisted.index()) {
        persisted = database.restore(snapshots.latestDirectory().orElseThrow());
        sessions.load(database.store());
        machine.restore(database.store());
      }
      setLastAppliedTermIndex(latest.getTermIndex());
      if (getLifeCycleState() == LifeCycle.State.PAUSED) {
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
      }
      applied = persisted.index();
      LOG.info("Group {}: installed snapshot {}, store at {}", groupName, latest, persisted);
    }
    events.snapshotInstalled();
    events.applied(applied);
  }

  /** The store's figures for metrics; empty while the store is closed (replaced, or shut down). */
  Optional<StoreStats> storeStats() {
    try {
      return Optional.of(database.store().stats());
    } catch (StorageException e) {
      return Optional.empty();
    }
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId memberId, RaftPeerId newLeaderId) {
    events.leaderChanged(Optional.ofNullable(newLeaderId).map(RaftPeerId::toString));
  }

  @Override
  public void notifyServerShutdown(RoleInfoProto roleInfo, boolean allServer) {
    LOG.warn("Group {}: Raft server shutting down (all groups: {})", groupName, allServer);
  }

  @Override
  public void close() {
    synchronized (lock) {
      try {
        machine.close();
      } finally {
        database.close();
      }
    }
  }
}
