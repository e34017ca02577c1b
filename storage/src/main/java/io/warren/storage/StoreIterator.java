package io.warren.storage;

import java.util.Iterator;

/**
 * Walks a key range of one family in key order (or reverse order). It sees the store as it was when
 * the iterator was created. Not thread-safe; close it when done, it pins native resources (closing
 * the store closes it too).
 */
public interface StoreIterator extends Iterator<KeyValue>, AutoCloseable {
  @Override
  void close();
}
