package io.warren.raft;

import io.warren.storage.KeyRange;
import io.warren.storage.StorageException;
import io.warren.storage.Store;
import io.warren.storage.StoreBatch;
import io.warren.storage.StoreIterator;
import io.warren.storage.StoreStats;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The store a {@link GroupStateMachine} sees: a stable object in front of the group's live RocksDB
 * store, which a snapshot install replaces. Calls wait while the replacement happens instead of
 * failing on a closed store; iterators opened before it are closed by it.
 */
final class GroupStore implements Store {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private Store current;

  /** Closes the current store (if any) and installs the one {@code opener} returns. */
  void replace(Supplier<Store> opener) {
    lock.writeLock().lock();
    try {
      if (current != null) {
        current.close();
        current = null;
      }
      current = opener.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private Store current() {
    if (current == null) {
      throw new StorageException(StorageException.Kind.CLOSED, null, "group store is not open");
    }
    return current;
  }

  @Override
  public Path directory() {
    lock.readLock().lock();
    try {
      return current().directory();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Set<String> families() {
    lock.readLock().lock();
    try {
      return current().families();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public byte[] get(String family, byte[] key) {
    lock.readLock().lock();
    try {
      return current().get(family, key);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public StoreIterator iterate(String family, KeyRange range, boolean reverse) {
    lock.readLock().lock();
    try {
      return current().iterate(family, range, reverse);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public StoreBatch newBatch() {
    lock.readLock().lock();
    try {
      return current().newBatch();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void write(StoreBatch batch) {
    lock.readLock().lock();
    try {
      current().write(batch);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void flush() {
    withCurrent(Store::flush);
  }

  @Override
  public void startFlush() {
    withCurrent(Store::startFlush);
  }

  @Override
  public void checkpoint(Path target) {
    withCurrent(store -> store.checkpoint(target));
  }

  private void withCurrent(Consumer<Store> call) {
    lock.readLock().lock();
    try {
      call.accept(current());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public StoreStats stats() {
    lock.readLock().lock();
    try {
      return current().stats();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (current != null) {
        current.close();
        current = null;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
