package io.warren.raft;

import io.warren.storage.Store;
import io.warren.storage.StoreBatch;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The replicated state of one Raft group, written by the user of this module (the broker).
 *
 * <p>Threading: all calls for one group come from one thread at a time (Ratis's apply thread for
 * that group, or its startup / snapshot-install thread), never concurrently. Different groups run
 * in parallel. Other threads may read the {@link Store} at any time.
 *
 * <p>Determinism: {@link #apply} must compute the same changes and reply on every replica from the
 * same prior state and command: no clocks, randomness, or reads of anything but the store and
 * in-memory state built from it.
 *
 * @param <C> a command as {@link #decode} reads it from its bytes
 */
public interface GroupStateMachine<C> {
  /**
   * The column families this machine writes. Called once, before {@link #restore}. The family
   * {@value RaftNode#BOOKKEEPING_FAMILY} is reserved for this layer.
   */
  Set<String> families();

  /**
   * Rebuilds in-memory state from {@code store}. Called at startup before any {@link #apply}, and
   * again after a snapshot from the leader replaced the store's contents (the same {@code store}
   * object then shows the new contents: keep the reference). Must not write to the store.
   */
  void restore(Store store);

  /**
   * Reads a command from the bytes given to {@link RaftNode#submit}. A pure function of the bytes:
   * on the leader it runs when the command is submitted, on the submitting thread, so that the
   * apply thread (the group's bottleneck) need not; elsewhere it runs just before {@link #apply}.
   * A failure here is a failure of {@link #apply} (and stops the group).
   */
  C decode(byte[] command);

  /**
   * Reads a command from a read-only view of a log entry. By default a copy goes to {@link
   * #decode(byte[])}; a machine whose commands carry bulk data reads the view directly.
   */
  default C decode(ByteBuffer command) {
    byte[] copy = new byte[command.remaining()];
    command.duplicate().get(copy);
    return decode(copy);
  }

  /**
   * Applies one committed command, on every replica, in log order, exactly once per log index (the
   * layer skips entries already in the store after a restart).
   *
   * <p>Write every durable change into {@code batch}; the layer adds the applied index to the same
   * batch and commits it after this returns, so state and index never disagree after a crash.
   * Reads of the store during apply see the state after the previous entry (not this batch).
   *
   * <p>To refuse a command (deterministically, on every replica), throw {@link
   * CommandRejectedException}: the batch is dropped and the submitter gets a {@link
   * ReplicationException.Kind#REJECTED} failure. Any other exception is a bug: the group stops on
   * this node (fail-stop, so replicas never diverge) and must be repaired by an operator.
   *
   * @param index the Raft log index of the entry (increasing, with gaps)
   * @param command the command, as {@link #decode} read it from the bytes given to {@link
   *     RaftNode#submit}; a fresh object for this call
   * @return the reply handed to the submitter (may be empty, never null)
   */
  byte[] apply(long index, C command, StoreBatch batch);

  /**
   * The changes of the command applied at {@code index} are now in the store (the batch was
   * written). Called right after {@link #apply} returned, on the same thread; the place to let
   * the outside world see what that command did, so nothing is seen that a crash could undo
   * without a replay redoing it.
   */
  default void written(long index) {}

  /**
   * A snapshot is about to be taken, with everything up to it applied: write into {@code batch}
   * the in-memory state that {@link #restore} cannot rebuild from the rest of the store (the
   * batch is written just before the checkpoint, so the snapshot holds it as of its index).
   */
  default void beforeSnapshot(StoreBatch batch) {}

  /**
   * Whether this machine's state can be rebuilt only from a snapshot and the log after it (its
   * snapshots hold in-memory state, written by {@link #beforeSnapshot}, that the live store does
   * not keep current). Then every start discards the live store, restores the latest snapshot and
   * replays the log from there.
   */
  default boolean restartsFromSnapshot() {
    return false;
  }

  /** Called when the group stops on this node; release in-memory resources. */
  default void close() {}
}
