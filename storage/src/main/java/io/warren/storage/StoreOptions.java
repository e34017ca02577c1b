package io.warren.storage;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How to open a {@link Store}.
 *
 * @param families the families the caller uses; missing ones are created. Families already in the
 *     directory but not listed are opened too (RocksDB requires it) and stay accessible.
 * @param largeValueFamilies subset of {@code families} whose values are often large (message
 *     bodies): values of 4 KiB and more go to separate blob files, so compaction does not keep
 *     rewriting them
 * @param writeLog what a write does with RocksDB's write-ahead log; {@link WriteLog#WRITTEN} by
 *     default
 * @param writeBufferBytes memtable size per family
 * @param resources shared block cache and memtable budget, or null for resources private to this
 *     store (sized for tests and tools)
 */
public record StoreOptions(
    Set<String> families,
    Set<String> largeValueFamilies,
    WriteLog writeLog,
    long writeBufferBytes,
    StoreResources resources) {

  public static final long DEFAULT_WRITE_BUFFER_BYTES = 16L << 20;

  /** How a write reaches the disk before {@link Store#write} returns. */
  public enum WriteLog {
    /** The write-ahead log is fsync'd on every write: the write survives a power loss. */
    SYNCED,
    /** The write-ahead log is written but not fsync'd: the write survives a process crash. */
    WRITTEN,
    /**
     * No write-ahead log: a write survives only once its memtable is flushed (on {@link
     * Store#flush}, a checkpoint, a full memtable or a clean close); a crash falls back to the
     * last flush, which is consistent across families. For stores whose writes a log above them
     * replays, as the Raft log does, so each byte is not written to disk twice.
     */
    NONE
  }

  public StoreOptions {
    families = Set.copyOf(new LinkedHashSet<>(families));
    Objects.requireNonNull(writeLog);
    largeValueFamilies = Set.copyOf(largeValueFamilies);
    for (String f : families) {
      if (f.isEmpty() || f.equals("default")) {
        throw new IllegalArgumentException("invalid family name: '" + f + "'");
      }
    }
    if (!families.containsAll(largeValueFamilies)) {
      throw new IllegalArgumentException(
          "large-value families " + largeValueFamilies + " must be among " + families);
    }
    if (writeBufferBytes < (64 << 10)) {
      throw new IllegalArgumentException("writeBufferBytes too small: " + writeBufferBytes);
    }
  }

  /** Options with the given families and defaults for the rest. */
  public static StoreOptions of(Set<String> families) {
    return new StoreOptions(families, Set.of(), WriteLog.WRITTEN, DEFAULT_WRITE_BUFFER_BYTES, null);
  }

  public static StoreOptions of(String... families) {
    return of(Set.of(families));
  }

  /** The same options plus {@code extra} families. */
  public StoreOptions withFamilies(Set<String> extra) {
    Set<String> all = new LinkedHashSet<>(families);
    all.addAll(extra);
    return new StoreOptions(all, largeValueFamilies, writeLog, writeBufferBytes, resources);
  }

  public StoreOptions withLargeValues(String... names) {
    Set<String> all = new LinkedHashSet<>(largeValueFamilies);
    all.addAll(Set.of(names));
    return new StoreOptions(families, all, writeLog, writeBufferBytes, resources);
  }

  public StoreOptions withWriteLog(WriteLog log) {
    return new StoreOptions(families, largeValueFamilies, log, writeBufferBytes, resources);
  }

  public StoreOptions withWriteBufferBytes(long bytes) {
    return new StoreOptions(families, largeValueFamilies, writeLog, bytes, resources);
  }

  public StoreOptions withResources(StoreResources shared) {
    return new StoreOptions(
        families, largeValueFamilies, writeLog, writeBufferBytes, Objects.requireNonNull(shared));
  }
}
