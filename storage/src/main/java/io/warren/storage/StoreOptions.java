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
 * @param syncWrites fsync the RocksDB write-ahead log on every write. Off by default: the WAL is
 *     still written on every write (so a process crash loses nothing), and the Raft log above us is
 *     fsync'd and replayed after a power loss
 * @param writeBufferBytes memtable size per family
 * @param resources shared block cache and memtable budget, or null for resources private to this
 *     store (sized for tests and tools)
 */
public record StoreOptions(
    Set<String> families,
    Set<String> largeValueFamilies,
    boolean syncWrites,
    long writeBufferBytes,
    StoreResources resources) {

  public static final long DEFAULT_WRITE_BUFFER_BYTES = 16L << 20;

  public StoreOptions {
    families = Set.copyOf(new LinkedHashSet<>(families));
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
    return new StoreOptions(families, Set.of(), false, DEFAULT_WRITE_BUFFER_BYTES, null);
  }

  public static StoreOptions of(String... families) {
    return of(Set.of(families));
  }

  /** The same options plus {@code extra} families. */
  public StoreOptions withFamilies(Set<String> extra) {
    Set<String> all = new LinkedHashSet<>(families);
    all.addAll(extra);
    return new StoreOptions(all, largeValueFamilies, syncWrites, writeBufferBytes, resources);
  }

  public StoreOptions withLargeValues(String... names) {
    Set<String> all = new LinkedHashSet<>(largeValueFamilies);
    all.addAll(Set.of(names));
    return new StoreOptions(families, all, syncWrites, writeBufferBytes, resources);
  }

  public StoreOptions withSyncWrites(boolean sync) {
    return new StoreOptions(families, largeValueFamilies, sync, writeBufferBytes, resources);
  }

  public StoreOptions withWriteBufferBytes(long bytes) {
    return new StoreOptions(families, largeValueFamilies, syncWrites, bytes, resources);
  }

  public StoreOptions withResources(StoreResources shared) {
    return new StoreOptions(
        families, largeValueFamilies, syncWrites, writeBufferBytes, Objects.requireNonNull(shared));
  }
}
