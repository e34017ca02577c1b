package io.warren.model;

/**
 * The seam behind which a message's body lives. Today bodies are on the heap; later they move to
 * RocksDB and the model keeps only a reference, so nothing outside this interface may assume where
 * the bytes are.
 */
public interface MessageBody {
  /** Body length in bytes. */
  int size();

  /** The body. Callers must not modify the returned array. */
  byte[] bytes();

  static MessageBody of(byte[] bytes) {
    return new HeapBody(bytes);
  }

  /** A body held on the heap. */
  record HeapBody(byte[] bytes) implements MessageBody {
    @Override
    public int size() {
      return bytes.length;
    }
  }
}
