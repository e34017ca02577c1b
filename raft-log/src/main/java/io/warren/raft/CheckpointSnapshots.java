package io.warren.raft;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of a group: RocksDB checkpoints in {@code sm/ckpt-<term>_<index>/}, published to Ratis
 * as {@link FileListSnapshotInfo}s so that a leader can stream them to lagging followers.
 *
 * <p>A checkpoint is written to a {@code .tmp} directory and renamed, so a directory with the
 * final name is always complete. A snapshot installed from the leader arrives as the same
 * directory (paths are relative to {@code sm/}) plus one {@code .md5} file per file, which are
 * ignored here. The newest complete directory is the latest snapshot.
 */
final class CheckpointSnapshots implements StateMachineStorage {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSnapshots.class);
  private static final Pattern NAME = Pattern.compile("ckpt-(\\d+)_(\\d+)");
  private static final String TMP_SUFFIX = ".tmp";

  private volatile File smDir;
  private volatile FileListSnapshotInfo latest;
  /** A snapshot came since the last cleanup: Ratis asks for one after each of its attempts. */
  private volatile boolean changed = true;

  @Override
  public void init(RaftStorage raftStorage) throws IOException {
    smDir = raftStorage.getStorageDir().getStateMachineDir();
    Files.createDirectories(smDir.toPath());
    reload();
  }

  /** Re-reads the latest snapshot from disk (after start or after an install replaced sm/). */
  void reload() throws IOException {
    latest = scan().map(this::describe).orElse(null);
    changed = true;
  }

  @Override
  public FileListSnapshotInfo getLatestSnapshot() {
    return latest;
  }

  /** The directory of the latest snapshot, if any. */
  Optional<Path> latestDirectory() {
    FileListSnapshotInfo s = latest;
    return s == null ? Optional.empty() : Optional.of(directory(s.getTermIndex()));
  }

  @Override
  public void format() {
    // Nothing to prepare: checkpoints are created on demand.
  }

  @Override
  public File getSnapshotDir() {
    return smDir;
  }

  /**
   * Creates the snapshot for {@code termIndex} by calling {@code writer} on a fresh temporary
   * directory, then renames it into place and publishes it.
   */
  void create(TermIndex termIndex, CheckpointWriter writer) throws IOException {
    Path dir = directory(termIndex);
    Path tmp = dir.resolveSibling(dir.getFileName() + TMP_SUFFIX);
    deleteRecursively(tmp);
    writer.writeTo(tmp);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    fsync(smDir.toPath());
    latest = describe(new Found(dir, termIndex));
    changed = true;
  }

  /** Writes a checkpoint into a directory that does not exist yet. */
  @FunctionalInterface
  interface CheckpointWriter {
    void writeTo(Path target) throws IOException;
  }

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    if (!changed) {
      return;
    }
    changed = false;
    int keep = policy.getNumSnapshotsRetained();
    List<Found> all = list();
    all.sort(Comparator.comparingLong((Found f) -> f.termIndex().getIndex()).reversed());
    if (keep > 0) {
      for (Found old : all.subList(Math.min(keep, all.size()), all.size())) {
        LOG.debug("Deleting old snapshot {}", old.dir());
        deleteRecursively(old.dir());
      }
    }
    try (Stream<Path> files = Files.list(smDir.toPath())) {
      for (Path p : files.filter(p -> p.getFileName().toString().endsWith(TMP_SUFFIX)).toList()) {
        deleteRecursively(p);
      }
    }
  }

  private Path directory(TermIndex ti) {
    return smDir.toPath().resolve("ckpt-" + ti.getTerm() + "_" + ti.getIndex());
  }

  private record Found(Path dir, TermIndex termIndex) {}

  private Optional<Found> scan() throws IOException {
    return list().stream().max(Comparator.comparingLong(f -> f.termIndex().getIndex()));
  }

  private List<Found> list() throws IOException {
    List<Found> out = new ArrayList<>();
    if (smDir == null || !smDir.isDirectory()) {
      return out;
    }
    try (Stream<Path> entries = Files.list(smDir.toPath())) {
      for (Path p : entries.filter(Files::isDirectory).toList()) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p.resolve("CURRENT"))) {
          out.add(new Found(p, TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))));
        }
      }
    }
    return out;
  }

  private FileListSnapshotInfo describe(Found found) {
    try (Stream<Path> files = Files.list(found.dir())) {
      // FileInfo reads the size now, so the files must be complete (they are: renamed into place).
      // A null digest makes the leader compute MD5 while streaming.
      List<FileInfo> infos =
          files
              .filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().endsWith(".md5"))
              .sorted()
              .map(f -> new FileInfo(f.toAbsolutePath(), null))
              .toList();
      return new FileListSnapshotInfo(infos, found.termIndex());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static void fsync(Path dir) {
    try (var ch = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      LOG.debug("Could not fsync directory {}: {}", dir, e.toString());
    }
  }
}
