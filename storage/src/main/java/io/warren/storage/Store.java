package io.warren.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An ordered key-value store with named column families ("families"), durable on disk.
 *
 * <p>Keys within a family are ordered by unsigned bytes; see {@link Keys} for numeric keys. Reads
 * and writes are thread-safe. Writes go through {@link #write(StoreBatch)} only, so every change a
 * caller makes is atomic across families. Durability of a write is as configured in
 * {@link StoreOptions#writeLog()}: by default it survives a process crash but not a power loss
 * (callers replicate through Raft, whose log is fsync'd and replayed).
 *
 * <p>Calls block on disk I/O: keep them off event loops.
 */
public interface Store extends AutoCloseable {
  /** The directory holding the store's files. */
  Path directory();

  /** The families this store was opened with (every family is readable and writable). */
  Set<String> families();

  /** The value stored under {@code key}, or null when there is none. */
  byte[] get(String family, byte[] key);

  /** An iterator over {@code range} in ascending key order. */
  default StoreIterator iterate(String family, KeyRange range) {
    return iterate(family, range, false);
  }

  /** An iterator over {@code range}, in descending key order when {@code reverse}. */
  StoreIterator iterate(String family, KeyRange range, boolean reverse);

  /** Up to {@code limit} entries of {@code range} in ascending order. */
  default List<KeyValue> scan(String family, KeyRange range, int limit) {
    List<KeyValue> out = new ArrayList<>();
    try (StoreIterator it = iterate(family, range)) {
      while (out.size() < limit && it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }

  /** A new empty batch for this store. */
  StoreBatch newBatch();

  /** Commits every change of {@code batch} atomically. The batch stays open and unchanged. */
  void write(StoreBatch batch);

  /** Writes memtables to table files (all families at once) and waits for it. */
  void flush();

  /**
   * Starts writing the memtables to table files (all families at once) and returns without
   * waiting, so that a {@link #checkpoint} soon after has little left to write.
   */
  void startFlush();

  /**
   * Writes a consistent copy of the store into {@code target}, which must not exist yet. Memtables
   * are flushed first, so the copy needs no log replay; table files are hard-linked when
   * {@code target} is on the same file system. Open the copy with {@link Stores#openCopy}.
   */
  void checkpoint(Path target);

  StoreStats stats();

  /** Closes the store and every iterator still open on it. Idempotent. */
  @Override
  void close();
}
