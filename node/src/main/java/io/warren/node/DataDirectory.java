package io.warren.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A node's data directory, held for the node's lifetime by an OS file lock on {@value #LOCK_FILE},
 * taken before anything in it is read or written: a second process started on the same directory
 * stops at once with a clear message, instead of half-starting and touching files the first one
 * owns.
 */
final class DataDirectory implements AutoCloseable {
  static final String LOCK_FILE = "warren.lock";

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectory(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** Creates the directory if needed and locks it; fails if it is unusable or in use. */
  static DataDirectory open(Path path) {
    FileChannel channel = null;
    try {
      Files.createDirectories(path);
      channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new IllegalStateException("data directory " + path.toAbsolutePath()
            + " is in use by another Warren process");
      }
      return new DataDirectory(path, channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new IllegalStateException("data directory " + path.toAbsolutePath() + " is in use by this process", e);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("data directory " + path.toAbsolutePath() + " is not usable: " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  Path path() {
    return path;
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // The channel's close releases it too.
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
    }
  }
}
