package io.warren.storage.rocks;

import io.warren.storage.StoreResources;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/** A block cache plus a memtable budget charged to that cache, shared by many stores. */
public final class RocksResources implements StoreResources {
  static {
    RocksDB.loadLibrary();
  }

  private final Cache cache;
  private final WriteBufferManager writeBuffers;

  public RocksResources(long blockCacheBytes, long memtableBudgetBytes) {
    if (blockCacheBytes <= 0 || memtableBudgetBytes <= 0) {
      throw new IllegalArgumentException("sizes must be positive");
    }
    this.cache = new LRUCache(blockCacheBytes);
    // Memtable memory is charged to the cache, so the two together stay within one budget.
    this.writeBuffers = new WriteBufferManager(memtableBudgetBytes, cache);
  }

  Cache cache() {
    return cache;
  }

  WriteBufferManager writeBuffers() {
    return writeBuffers;
  }

  @Override
  public void close() {
    writeBuffers.close();
    cache.close();
  }
}
