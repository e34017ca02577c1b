package io.warren.storage.rocks;

import io.warren.storage.KeyRange;
import io.warren.storage.KeyValue;
import io.warren.storage.StoreIterator;
import java.util.NoSuchElementException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/** Iterates one family within RocksDB-enforced bounds. */
final class RocksStoreIterator implements StoreIterator {
  private final RocksStore store;
  private final boolean reverse;
  private final ReadOptions readOptions = new ReadOptions();
  private final Slice lower;
  private final Slice upper;
  private final RocksIterator it;
  private boolean closed;

  RocksStoreIterator(RocksStore store, String family, KeyRange range, boolean reverse) {
    this.store = store;
    this.reverse = reverse;
    byte[] from = range.from();
    byte[] to = range.to();
    // Bounds are enforced by RocksDB itself, which also lets it skip files outside the range.
    this.lower = from == null ? null : new Slice(from);
    this.upper = to == null ? null : new Slice(to);
    if (lower != null) {
      readOptions.setIterateLowerBound(lower);
    }
    if (upper != null) {
      readOptions.setIterateUpperBound(upper);
    }
    this.it = store.db().newIterator(store.handle(family), readOptions);
    if (reverse) {
      it.seekToLast();
    } else {
      it.seekToFirst();
    }
  }

  @Override
  public boolean hasNext() {
    synchronized (this) {
      if (closed) {
        throw Failures.closed(store.directory());
      }
      if (it.isValid()) {
        return true;
      }
      try {
        it.status();
      } catch (RocksDBException e) {
        throw Failures.onUse(store.directory(), "iteration", e);
      }
      return false;
    }
  }

  @Override
  public KeyValue next() {
    synchronized (this) {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      KeyValue kv = new KeyValue(it.key(), it.value());
      if (reverse) {
        it.prev();
      } else {
        it.next();
      }
      return kv;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      it.close();
      readOptions.close();
      if (lower != null) {
        lower.close();
      }
      if (upper != null) {
        upper.close();
      }
    }
    store.forget(this);
  }
}
