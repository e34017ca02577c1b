package io.warren.node.replication;

import io.warren.model.MessageBody;
import io.warren.storage.Store;

/**
 * A persistent message's body kept in a queue partition's store rather than on the heap. It holds
 * the bytes from the moment the command carrying them is applied until {@link RecentBodies} lets
 * them go or the message leaves ({@link #evict}); after that it reads them back from the store when
 * the message is delivered. So a queue can hold many times the heap in bodies.
 */
final class StoredBody implements MessageBody {
  private final Store store;
  private final byte[] key;
  private final int size;
  private volatile byte[] cached;

  StoredBody(Store store, byte[] key, byte[] bytes) {
    this.store = store;
    this.key = key;
    this.size = bytes.length;
    this.cached = bytes;
  }

  /** A body that is only in the store (read back at restart). */
  StoredBody(Store store, byte[] key, int size) {
    this.store = store;
    this.key = key;
    this.size = size;
  }

  @Override
  public int size() {
    return size;
  }

  /** The bytes, from memory while cached, else from the store: call off event loops. */
  @Override
  public byte[] bytes() {
    byte[] b = cached;
    if (b != null) {
      return b;
    }
    b = store.get(PartitionLayout.BODIES, key);
    if (b == null) {
      throw new IllegalStateException("message body missing from the store");
    }
    return b;
  }

  /** Drops the heap copy: the store has the bytes, or the message is gone. */
  void evict() {
    cached = null;
  }
}
