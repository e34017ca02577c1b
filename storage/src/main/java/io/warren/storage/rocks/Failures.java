package io.warren.storage.rocks;

import io.warren.storage.StorageException;
import io.warren.storage.StorageException.Kind;
import java.nio.file.Path;
import java.util.Locale;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** Turns RocksDB errors into {@link StorageException}s with messages an operator can act on. */
final class Failures {
  private Failures() {}

  static StorageException onOpen(Path dir, RocksDBException e) {
    String detail = String.valueOf(e.getMessage());
    String lower = detail.toLowerCase(Locale.ROOT);
    Status.Code code = e.getStatus() == null ? Status.Code.Undefined : e.getStatus().getCode();
    if (code == Status.Code.IOError && lower.contains("lock")) {
      return new StorageException(
          Kind.LOCKED,
          dir,
          "Data directory "
              + dir
              + " is already in use (its RocksDB LOCK file is held): is another Warren node"
              + " running on the same directory? ("
              + detail
              + ")",
          e);
    }
    if (code == Status.Code.Corruption
        || lower.contains("corrupt")
        || lower.contains("manifest")
        || lower.contains("current")) {
      return new StorageException(
          Kind.CORRUPT,
          dir,
          "Data directory "
              + dir
              + " holds damaged or inconsistent database files; restore it from a replica"
              + " (remove it and let the node resynchronise) or from a backup. ("
              + detail
              + ")",
          e);
    }
    if (lower.contains("permission") || lower.contains("read-only") || lower.contains("not a directory")) {
      return notWritable(dir, detail, e);
    }
    return new StorageException(
        Kind.FAILED, dir, "Cannot open data directory " + dir + ": " + detail, e);
  }

  static StorageException notWritable(Path dir, String detail, Throwable cause) {
    return new StorageException(
        Kind.NOT_WRITABLE,
        dir,
        "Data directory "
            + dir
            + " cannot be created or written: check that the path is a directory (not a file),"
            + " that its file system is mounted read-write and that this user may write it. ("
            + detail
            + ")",
        cause);
  }

  static StorageException onUse(Path dir, String what, RocksDBException e) {
    return new StorageException(
        Kind.FAILED, dir, "Storage failure in " + dir + " during " + what + ": " + e.getMessage(), e);
  }

  static StorageException closed(Path dir) {
    return new StorageException(Kind.CLOSED, dir, "Store " + dir + " is closed");
  }
}
