package io.warren.storage;

import io.warren.storage.rocks.RocksResources;

/**
 * Memory shared by all stores of a process: one block cache for reads and one budget for memtables,
 * so that tens of stores (one per Raft group) do not each claim their own. Close it after every
 * store that uses it.
 */
public interface StoreResources extends AutoCloseable {
  /**
   * @param blockCacheBytes size of the shared read cache
   * @param memtableBudgetBytes total memtable memory of all stores; past it RocksDB flushes the
   *     largest memtables early
   */
  static StoreResources create(long blockCacheBytes, long memtableBudgetBytes) {
    return new RocksResources(blockCacheBytes, memtableBudgetBytes);
  }

  @Override
  void close();
}
