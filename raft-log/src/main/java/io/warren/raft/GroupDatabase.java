package io.warren.raft;

import io.warren.storage.Store;
import io.warren.storage.StoreBatch;
import io.warren.storage.StoreOptions;
import io.warren.storage.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live RocksDB store of one group in {@code <data>/groups/<gid>/db}, outside Ratis's {@code sm/}
 * directory (a snapshot install deletes {@code sm/}).
 *
 * <p>The store holds the machine's families plus {@value RaftNode#BOOKKEEPING_FAMILY}, where the
 * applied (term, index) is written in the same batch as each apply's changes.
 *
 * <p>Rebuilding from a checkpoint is crash-safe: the copy is made in {@code db.restoring} and renamed
 * to {@code db} only when complete; a missing {@code db} at start means "rebuild from the latest
 * snapshot".
 */
final class GroupDatabase {
  private static final Logger LOG = LoggerFactory.getLogger(GroupDatabase.class);
  static final byte[] APPLIED_KEY = {'a', 'p', 'p', 'l', 'i', 'e', 'd'};

  private final Path live;
  private final Path staging;
  private final Path retired;
  private final StoreOptions options;
  private final GroupStore store = new GroupStore();

  GroupDatabase(Path groupDir, StoreOptions options) {
    this.live = groupDir.resolve("db");
    this.staging = groupDir.resolve("db.restoring");
    this.retired = groupDir.resolve("db.old");
    this.options = options.withFamilies(java.util.Set.of(RaftNode.BOOKKEEPING_FAMILY));
  }

  GroupStore store() {
    return store;
  }

  /**
   * Opens the live store. If it is missing, or older than the latest snapshot (a crash during an
   * install, or a wiped store), it is rebuilt from that snapshot first.
   *
   * @param fromSnapshot discard the live store and start from the snapshot (or from empty when
   *     there is none yet: the log is then complete, since it is only purged behind snapshots)
   * @return the applied position recorded in the store
   */
  LogPosition open(Optional<Path> snapshot, long snapshotIndex, boolean fromSnapshot) {
    deleteQuietly(staging);
    deleteQuietly(retired);
    if (fromSnapshot && Files.isDirectory(live)) {
      LOG.info("Store {} restarts from {}", live, snapshot.map(p -> "snapshot " + p.getFileName()).orElse("empty"));
      deleteQuietly(live);
    }
    if (Files.isDirectory(live)) {
      store.replace(() -> Stores.open(live, options));
      LogPosition applied = applied();
      if (snapshot.isEmpty() || snapshotIndex <= applied.index()) {
        return applied;
      }
      LOG.info("Store {} is at {} but snapshot is at {}: rebuilding", live, applied, snapshotIndex);
    }
    if (snapshot.isPresent()) {
      return restore(snapshot.get());
    }
    store.replace(() -> Stores.open(live, options));
    return applied();
  }

  /** Replaces the live store with a copy of {@code checkpoint}; returns its applied position. */
  LogPosition restore(Path checkpoint) {
    store.replace(
        () -> {
          try {
            deleteQuietly(staging);
            Stores.copyCheckpoint(checkpoint, staging);
            if (Files.exists(live)) {
              Files.move(live, retired, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, live, StandardCopyOption.ATOMIC_MOVE);
            CheckpointSnapshots.fsync(live.getParent());
            deleteQuietly(retired);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot restore " + live + " from " + checkpoint, e);
          }
          return Stores.open(live, options);
        });
    LogPosition applied = applied();
    LOG.info("Restored {} from checkpoint {} at {}", live, checkpoint.getFileName(), applied);
    return applied;
  }

  LogPosition applied() {
    return LogPosition.decode(store.get(RaftNode.BOOKKEEPING_FAMILY, APPLIED_KEY));
  }

  /** Adds the applied position to {@code batch}. */
  static void recordApplied(StoreBatch batch, LogPosition position) {
    batch.put(RaftNode.BOOKKEEPING_FAMILY, APPLIED_KEY, position.encode());
  }

  void close() {
    store.close();
  }

  private static void deleteQuietly(Path dir) {
    try {
      CheckpointSnapshots.deleteRecursively(dir);
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", dir, e.toString());
    }
  }
}
