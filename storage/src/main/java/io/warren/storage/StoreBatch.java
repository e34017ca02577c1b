package io.warren.storage;

/**
 * Changes to one store that are committed together by {@link Store#write(StoreBatch)}: after a
 * crash either all of them are there or none. Not thread-safe; close it when done (it holds
 * native memory). Writes in a batch are not visible to reads until the batch is written.
 */
public interface StoreBatch extends AutoCloseable {
  void put(String family, byte[] key, byte[] value);

  void delete(String family, byte[] key);

  /** Deletes every key in {@code [from, to)}. */
  void deleteRange(String family, byte[] from, byte[] to);

  /** Number of operations added so far. */
  int count();

  /** Approximate size in bytes of the pending changes. */
  long sizeBytes();

  /** Drops every change added so far; the batch can be reused. */
  void clear();

  @Override
  void close();
}
