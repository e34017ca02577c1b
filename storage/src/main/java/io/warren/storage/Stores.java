package io.warren.storage;

import io.warren.storage.rocks.RocksStore;
import java.nio.file.Path;

/** Opens stores. */
public final class Stores {
  private Stores() {}

  /**
   * Opens (creating if needed) the store in {@code directory}.
   *
   * @throws StorageException with kind {@link StorageException.Kind#LOCKED} when another process
   *     has it open, {@link StorageException.Kind#NOT_WRITABLE} when the directory cannot be created
   *     or written, {@link StorageException.Kind#CORRUPT} when its files are damaged
   */
  public static Store open(Path directory, StoreOptions options) {
    return RocksStore.open(directory, options);
  }

  /**
   * Makes {@code directory} (which must not exist or be empty) a copy of the checkpoint in {@code
   * checkpoint} and opens it. Immutable table files are hard-linked when possible; everything else
   * is copied, so the checkpoint stays untouched and reusable.
   */
  public static Store openCopy(Path checkpoint, Path directory, StoreOptions options) {
    copyCheckpoint(checkpoint, directory);
    return open(directory, options);
  }

  /**
   * Fills {@code directory} (absent or empty) with a copy of the checkpoint in {@code checkpoint},
   * without opening it. The copy is durable when this returns, so the caller may rename {@code
   * directory} into place (the way to swap a live store crash-safely).
   */
  public static void copyCheckpoint(Path checkpoint, Path directory) {
    RocksStore.copyCheckpoint(checkpoint, directory);
  }
}
