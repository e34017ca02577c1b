package io.warren.storage.rocks;

import io.warren.storage.StoreBatch;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** A {@link StoreBatch} over a RocksDB {@link WriteBatch}, bound to the store that made it. */
final class RocksBatch implements StoreBatch {
  private final RocksStore store;
  private final WriteBatch batch = new WriteBatch();

  RocksBatch(RocksStore store) {
    this.store = store;
  }

  RocksStore store() {
    return store;
  }

  WriteBatch writeBatch() {
    return batch;
  }

  @Override
  public void put(String family, byte[] key, byte[] value) {
    try {
      batch.put(store.handle(family), key, value);
    } catch (RocksDBException e) {
      throw Failures.onUse(store.directory(), "batch put", e);
    }
  }

  @Override
  public void delete(String family, byte[] key) {
    try {
      batch.delete(store.handle(family), key);
    } catch (RocksDBException e) {
      throw Failures.onUse(store.directory(), "batch delete", e);
    }
  }

  @Override
  public void deleteRange(String family, byte[] from, byte[] to) {
    try {
      batch.deleteRange(store.handle(family), from, to);
    } catch (RocksDBException e) {
      throw Failures.onUse(store.directory(), "batch deleteRange", e);
    }
  }

  @Override
  public int count() {
    return batch.count();
  }

  @Override
  public long sizeBytes() {
    return batch.getDataSize();
  }

  @Override
  public void clear() {
    batch.clear();
  }

  @Override
  public void close() {
    batch.close();
  }
}
